#!/bin/sh
# Fetch the published calls.json and site.json into DATA_DIR for formsvc.
# Each file is downloaded to a temporary name, checked to be JSON and renamed
# into place in one step, so formsvc never reads half a file; a failed
# download leaves the last good copy.
# Usage: fetch-site-data.sh DATA_DIR   (SIM_SITEURL from the environment)
set -eu
data_dir=${1:?usage: fetch-site-data.sh DATA_DIR}
site=${SIM_SITEURL:?set SIM_SITEURL to the public address, e.g. https://www.example.se}
for name in calls.json site.json; do
  partial="$data_dir/.$name.partial"
  curl -fsS --max-time 30 --retry 2 "$site/$name" -o "$partial"
  python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$partial" \
    || { echo "$site/$name is not valid JSON; kept the previous copy" >&2; rm -f "$partial"; exit 1; }
  mv -f "$partial" "$data_dir/$name"
done
