#!/bin/bash
# LocalStack ready hook: runs once every service is up. It checks that the services Eddy's stack needs answer,
# so that `deploy.sh` (which waits for this hook, GET /_localstack/init/ready) fails early and clearly instead of
# half-way through a CloudFormation deployment. It creates nothing: the CDK stack owns every resource.
set -euo pipefail

awslocal s3api list-buckets >/dev/null
awslocal dynamodb list-tables >/dev/null
awslocal lambda list-functions >/dev/null
awslocal cloudformation list-stacks >/dev/null
awslocal events list-rules >/dev/null   # the compactor's schedule
echo "eddy: LocalStack is ready for the Eddy stack (s3, dynamodb, lambda, cloudformation, events answer)"
