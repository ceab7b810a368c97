#!/bin/bash
# Deploys Eddy's CDK stack to LocalStack and runs the smoke test through the deployed function URLs.
#
# Prerequisites: Docker with Compose v2 (the LocalStack container starts the functions as containers through
# the Docker socket), JDK 17+ and Maven 3.8+ (builds the function zips and runs the CDK app), Node.js 18+ with
# npx (runs aws-cdk-local 3.0.4 and the aws-cdk CLI from the npm registry), curl.
#
# Usage: localstack/deploy.sh            start LocalStack, build, deploy stage "local", smoke-test
#        EDDY_SKIP_BUILD=1 deploy.sh     reuse the zips in {ingest-fn,fetch-fn,compactor}/lambda/target
#        localstack/deploy.sh destroy    delete the stack
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
stage=${EDDY_STAGE:-local}
# What the functions, running in containers beside LocalStack, call S3 and DynamoDB at: LocalStack's DNS resolves
# this name to itself inside those containers (and public DNS resolves it to 127.0.0.1 on the host).
endpoint=http://localhost.localstack.cloud:4566

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_ENDPOINT_URL=http://localhost:4566
cdklocal=(npx --yes --package aws-cdk-local@3.0.4 --package aws-cdk@2.1148.1 cdklocal)
# LocalStack's free edition has no ECS nor load balancers: the functions alone (-c kafka=false)
context=(-c "stage=$stage" -c retainData=false -c "serviceEndpoint=$endpoint" -c kafka=false)

step() { printf '\n==> %s\n' "$*"; }

if [[ ${1:-} == destroy ]]; then
  (cd "$root/infra" && "${cdklocal[@]}" destroy "Eddy-$stage" --force "${context[@]}")
  exit 0
fi

step "starting LocalStack (waits for the ready hook)"
docker compose -f "$here/docker-compose.yml" up -d --wait

if [[ -z ${EDDY_SKIP_BUILD:-} ]]; then
  step "building the function zips (ingest-fn/lambda, fetch-fn/lambda, compactor/lambda)"
  (cd "$root" && mvn -B -q -DskipTests install)
fi
for zip in "$root"/{ingest-fn,fetch-fn,compactor}/lambda/target/function.zip; do
  [[ -f $zip ]] || { echo "missing $zip: build first (mvn -DskipTests install)" >&2; exit 1; }
done

step "bootstrapping CDK in LocalStack"
(cd "$root/infra" && "${cdklocal[@]}" bootstrap aws://000000000000/us-east-1 "${context[@]}")

step "deploying Eddy-$stage"
outputs="$here/.outputs-$stage.json"
(cd "$root/infra" && "${cdklocal[@]}" deploy "Eddy-$stage" --require-approval never --outputs-file "$outputs" \
  "${context[@]}")

read -r ingest fetch < <(node -e '
  const o = require(process.argv[1])[process.argv[2]];
  console.log(o.IngestUrl, o.FetchUrl);' "$outputs" "Eddy-$stage")
echo "ingest: $ingest"
echo "fetch:  $fetch"

step "smoke test"
# Function URL hosts are <id>.lambda-url.<region>.localhost.localstack.cloud: pin them to 127.0.0.1 so the test
# does not depend on public DNS.
resolve=""
for url in "$ingest" "$fetch"; do
  hostport=${url#*://}; hostport=${hostport%%/*}
  resolve+="${hostport}:127.0.0.1 "
done
EDDY_CURL_RESOLVE="$resolve" "$here/smoke.sh" "$ingest" "$fetch"
