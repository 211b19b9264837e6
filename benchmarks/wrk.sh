#!/usr/bin/env bash
# End-to-end load report: the sample app under wrk (docs/benchmarks.md, "End to end").
#
# Starts its own redis-server and two sample-app instances, never the Redis on 6379:
#   app H (H2, caches on, the rate-limit rules of benchmarks/src/wrk/rate-limits.yml) on 18080
#   app P (the postgres profile, caches off: every product read is a PostgreSQL query) on 18090
# and loads each endpoint in turn with wrk -t2 at 16 and 64 connections, ROUNDS times, the
# endpoints interleaved within each round so that machine noise falls on all of them alike.
# Prints one line per run: endpoint, connections, round, req/s, p50, p99, Redis commands per
# request as the server counts them (INFO total_commands_processed, a script's inner calls
# included) and round trips per request as the app counts them (Lettuce commands sent);
# both include background polling (job mover, stream readers, INFO every 15 s).
#
# Needs: wrk, redis-server, redis-cli, curl, java 17+, a built sample app
# (./mvnw -B package -DskipTests -pl sample-app -am) and, unless --no-postgres, a PostgreSQL
# on 127.0.0.1:5432 that trusts local connections (the script creates role and database
# 'redisboot' when missing). .ci/run does not run this script.
#
# Usage: benchmarks/wrk.sh [--no-postgres] [--duration 10s] [--rounds 3] [--connections "16 64"]
# (round 0, a warm-up, comes before the measured rounds; its names are in parentheses)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=10s
ROUNDS=3
CONNECTIONS="16 64"
POSTGRES=yes
while [ $# -gt 0 ]; do
	case "$1" in
		--no-postgres) POSTGRES=""; shift ;;
		--duration) DURATION="$2"; shift 2 ;;
		--rounds) ROUNDS="$2"; shift 2 ;;
		--connections) CONNECTIONS="$2"; shift 2 ;;
		*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done

JAR=$(ls sample-app/target/sample-app-*.jar | grep -v original | head -n 1)
WORK=$(mktemp -d /tmp/redisboot-wrk.XXXXXX)
REDIS_PORT=16399
PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
	--daemonize yes --logfile "$WORK/redis.log"
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done

common=(--spring.data.redis.port="$REDIS_PORT" --server.servlet.session.cookie.secure=false
	--logging.level.root=WARN --redisboot.key-digest-secret="$(head -c 32 /dev/urandom | base64)")

java -jar "$JAR" "${common[@]}" --server.port=18080 --management.server.port=18081 \
	--spring.config.additional-location="file:benchmarks/src/wrk/rate-limits.yml" >"$WORK/app-h.log" 2>&1 &
PIDS+=($!)
if [ -n "$POSTGRES" ]; then
	psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_roles where rolname='redisboot'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -qc "create role redisboot login password 'redisboot'"
	psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='redisboot'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -qc "create database redisboot owner redisboot"
	java -jar "$JAR" "${common[@]}" --spring.profiles.active=postgres --spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/redisboot \
		--redisboot.cache.enabled=false --redisboot.rate-limit.enabled=false --redisboot.key-prefix=samplepg \
		--server.port=18090 --management.server.port=18091 >"$WORK/app-p.log" 2>&1 &
	PIDS+=($!)
fi
for port in 18080 ${POSTGRES:+18090}; do
	for _ in $(seq 1 600); do
		curl -fs "http://127.0.0.1:$port/index.html" >/dev/null 2>&1 && break
		for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "an app exited, see $WORK" >&2; exit 1; }; done
		sleep 0.5
	done
	curl -fs "http://127.0.0.1:$port/index.html" >/dev/null || { echo "app on $port did not start, see $WORK" >&2; exit 1; }
done

# A signed-in browser: the SESSION cookie of a login.
# (the app serves pages before its seeders ran: retry until the demo user exists)
for _ in $(seq 1 60); do
	login=$(curl -s -D - -H 'Content-Type: application/json' \
	-d '{"email":"demo@example.com","password":"demo-password"}' http://127.0.0.1:18080/api/auth/login | tr -d '\r')
	cookie=$(echo "$login" | sed -n 's/^[Ss]et-[Cc]ookie: \(SESSION=[^;]*\).*/\1/p')
	[ -n "$cookie" ] && break
	sleep 0.5
done
[ -n "$cookie" ] || { echo "login gave no SESSION cookie: $login" >&2; exit 1; }

# name|url|wrk script|request header
ENDPOINTS=(
	"static|http://127.0.0.1:18080/index.html|"
	"product-near|http://127.0.0.1:18080/api/products/3|"
	"user-redis|http://127.0.0.1:18080/api/users/1|"
	"session-me|http://127.0.0.1:18080/api/me||Cookie: $cookie"
	"limit-hot|http://127.0.0.1:18080/api/products/1|"
	"limit-spread|http://127.0.0.1:18080/api/products/2|benchmarks/src/wrk/distinct-key.lua|"
	"limit-rejected|http://127.0.0.1:18080/api/products/4|"
)
if [ -n "$POSTGRES" ]; then
	ENDPOINTS+=("pg-static|http://127.0.0.1:18090/index.html|" "pg-product|http://127.0.0.1:18090/api/products/3|")
fi

# Redis commands as the server counts them: a script's inner calls count too
commands() { redis-cli -p "$REDIS_PORT" info stats | tr -d '\r' | sed -n 's/^total_commands_processed://p'; }
# round trips as the application counts them: the commands Lettuce sent (a script is one),
# from redis_client_commands_seconds_count on the app's management port
trips() {
	curl -s "http://127.0.0.1:$1/actuator/prometheus" \
		| awk '/^redis_client_commands_seconds_count/ {s += $2} END {printf "%d", s}'
}

wrk_args() {
	IFS='|' read -r name url script header <<<"$1"
	args=("$url")
	if [ -n "$script" ]; then args+=(-s "$script"); fi
	if [ -n "$header" ]; then args+=(-H "$header"); fi
}

# warm up: JIT, caches, near caches, connection pools
for entry in "${ENDPOINTS[@]}"; do
	wrk_args "$entry"
	wrk -t2 -c16 -d3s "${args[@]}" >/dev/null
done

printf '%-15s %5s %5s %10s %9s %9s %9s %10s %8s\n' endpoint conns round req/s p50 p99 trips/req cmds/req non2xx
# round 0 is a warm-up round like the others (the JIT is not done after the short warm-up
# above: round 0's figures came out 30-70% below the later rounds'), printed but not measured
for round in $(seq 0 "$ROUNDS"); do
	for c in $CONNECTIONS; do
		for entry in "${ENDPOINTS[@]}"; do
			wrk_args "$entry"
			management=$(( $(echo "$url" | sed 's|http://127.0.0.1:\([0-9]*\)/.*|\1|') + 1 ))
			trips_before=$(trips "$management")
			before=$(commands)
			out=$(wrk -t2 -c"$c" -d"$DURATION" --latency "${args[@]}")
			after=$(commands)
			trips_after=$(trips "$management")
			requests=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
			rps=$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p')
			p50=$(echo "$out" | awk '$1=="50%"{print $2}')
			p99=$(echo "$out" | awk '$1=="99%"{print $2}')
			non2xx=$(echo "$out" | sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\)/\1/p')
			per=$(awk -v a="$before" -v b="$after" -v r="$requests" 'BEGIN{printf "%.2f", (b-a-1)/r}')
			trips_per=$(awk -v a="$trips_before" -v b="$trips_after" -v r="$requests" 'BEGIN{printf "%.2f", (b-a)/r}')
			[ "$round" -eq 0 ] && name="($name)"
			printf '%-15s %5s %5s %10s %9s %9s %9s %10s %8s\n' "$name" "$c" "$round" "$rps" "$p50" "$p99" "$trips_per" "$per" "${non2xx:-0}"
		done
	done
done
