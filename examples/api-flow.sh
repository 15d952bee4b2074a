#!/usr/bin/env bash
# One complete ticket through the JSON API, against `reglament serve --demo`:
# the customer files, an agent takes it and replies, the agent completes it, the customer
# confirms and rates. Needs curl and jq. Usage: examples/api-flow.sh [http://127.0.0.1:8080]
set -euo pipefail
B="${1:-http://127.0.0.1:8080}"
J='content-type: application/json'

# The customer signs in: the cookie goes to a jar, the CSRF token is sent with every change.
CUSTOMER=$(curl -sf -c customer.jar -H "$J" -d '{"email":"client@romashka.ru","password":"demo-client-1"}' "$B/api/v1/session" | jq -r .csrf)
TICKET=$(curl -sf -b customer.jar -H "x-csrf-token: $CUSTOMER" -H "$J" \
  -d '{"subject":"Не приходят уведомления","description":"С понедельника не приходят письма о новых сделках","category":"basic_functions"}' \
  "$B/api/v1/tickets")
ID=$(jq -r .id <<<"$TICKET")
echo "filed $(jq -r .number <<<"$TICKET"): $(jq -r .status <<<"$TICKET") on line $(jq -r .line <<<"$TICKET")"

# The first-line agent signs in, takes the ticket, replies and completes it.
AGENT_LOGIN=$(curl -sf -c agent.jar -H "$J" -d '{"email":"agent@reglament.local","password":"demo-agent-1"}' "$B/api/v1/session")
AGENT=$(jq -r .csrf <<<"$AGENT_LOGIN")
ME=$(jq -r .principal.id <<<"$AGENT_LOGIN")
act() { curl -sf -b "$1.jar" -H "x-csrf-token: $2" -H "$J" -d "$3" "$B/api/v1/tickets/$ID/actions" | jq -r '"\(.status)\(if .stars then " ★\(.stars)" else "" end)"'; }
act agent "$AGENT" "{\"action\":\"assign\",\"assignee_id\":$ME}"
act agent "$AGENT" '{"action":"reply","body":"Письма попадали в спам: добавили домен в SPF. Проверьте, пожалуйста."}'
act agent "$AGENT" '{"action":"status","status":"completed"}'

# The customer confirms and rates.
act customer "$CUSTOMER" '{"action":"confirm"}'
act customer "$CUSTOMER" '{"action":"rate","stars":5,"comment":"Спасибо!"}'
