#!/bin/bash
# Eddy smoke test through deployed endpoints: create a topic, produce two records, consume them back, check the
# offsets. The Testcontainers IT (infra/src/test/java/io/eddy/infra/LocalStackSmokeIT.java) runs the same steps.
#
# Usage: smoke.sh INGEST_URL FETCH_URL
#   EDDY_SIGV4_REGION=eu-west-1  sign requests (AWS_IAM function URLs on AWS) with the credentials in
#                                AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
#   EDDY_CURL_RESOLVE="host:port:addr ..."       curl --resolve (deploy.sh: LocalStack's URL hosts to 127.0.0.1)
#   EDDY_CURL_CONNECT_TO="host:port:addr:port ..." curl --connect-to (the IT: to LocalStack's mapped port)
set -euo pipefail

ingest=${1%/}
fetch=${2%/}
topic="smoke-$(date +%s)-$RANDOM"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

curl_opts=(-sS --max-time 120)
if [[ -n ${EDDY_SIGV4_REGION:-} ]]; then
  curl_opts+=(--aws-sigv4 "aws:amz:${EDDY_SIGV4_REGION}:lambda" --user "${AWS_ACCESS_KEY_ID}:${AWS_SECRET_ACCESS_KEY}")
  [[ -n ${AWS_SESSION_TOKEN:-} ]] && curl_opts+=(-H "x-amz-security-token: ${AWS_SESSION_TOKEN}")
fi
for r in ${EDDY_CURL_RESOLVE:-}; do curl_opts+=(--resolve "$r"); done
for c in ${EDDY_CURL_CONNECT_TO:-}; do curl_opts+=(--connect-to "$c"); done

# request EXPECTED_STATUS METHOD URL [JSON_BODY]: fails the script unless the status matches; body in $out
request() {
  local expected=$1 method=$2 url=$3 body=${4:-}
  local args=("${curl_opts[@]}" -X "$method" -o "$out" -w '%{http_code}')
  if [[ -n $body ]]; then args+=(-H 'Content-Type: application/json' --data "$body"); fi
  local status
  status=$(curl "${args[@]}" "$url")
  if [[ $status != "$expected" ]]; then
    echo "FAIL: $method $url -> $status (expected $expected): $(cat "$out")" >&2
    exit 1
  fi
  echo "ok: $method ${url#*//} -> $status"
}

request 201 PUT "$ingest/v1/topics/$topic" '{"partitions": 1}'
request 200 POST "$ingest/v1/topics/$topic/records" \
  '{"records": [{"key": "k1", "value": {"n": 1}}, {"key": "k2", "value": "two"}]}'
grep -q '"offset":1' "$out" || { echo "FAIL: produce did not assign offsets 0 and 1: $(cat "$out")" >&2; exit 1; }
request 200 GET "$fetch/v1/topics/$topic/partitions/0/records?offset=0"
grep -q '"value":{"n":1}' "$out" && grep -q '"value":"two"' "$out" && grep -q '"next_offset":2' "$out" \
  || { echo "FAIL: fetch did not return both records: $(cat "$out")" >&2; exit 1; }
request 200 GET "$fetch/v1/topics/$topic/partitions/0/offsets?at=latest"
grep -q '"offset":2' "$out" || { echo "FAIL: latest offset is not 2: $(cat "$out")" >&2; exit 1; }
echo "smoke test passed: topic $topic, 2 records produced through $ingest and consumed through $fetch"
