#!/usr/bin/env bash
# Runs every redisboot benchmark; the results are explained in docs/benchmarks.md.
#
#   benchmarks/run.sh [--no-build] [JMH options...]
#
# 1. builds benchmarks/target/benchmarks.jar with the Maven wrapper (--no-build: use the jar that
#    is there, for example one built with `./mvnw -pl benchmarks package` against installed modules);
# 2. measures the round-trip floor with redis-benchmark (one client, no pipelining) against a
#    throwaway redis-server on a free loopback port, for every value size the JMH benchmarks use;
# 3. runs the JMH benchmarks (each starts its own redis-server through the test harness).
#
# Extra arguments go to JMH and win over the defaults below, e.g. a benchmark regexp
# (`GetBenchmark`), `-p valueSize=1024`, `-f 3` or `-prof gc`. Outputs, all under
# benchmarks/target/: redis-benchmark-<size>.txt, jmh-output.txt and jmh-result.json.
# Never touches a Redis it did not start (6379 is outside the port range used here).
set -euo pipefail

build=true
if [[ "${1:-}" == "--no-build" ]]; then
	build=false
	shift
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="benchmarks/target"
sizes=(1024 10240)

for tool in redis-server redis-cli redis-benchmark; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "run.sh: $tool not found; install Redis (Debian/Ubuntu: apt-get install -y redis-server)" >&2
		exit 1
	fi
done
java="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
	java="$JAVA_HOME/bin/java"
fi

echo "== Machine"
echo "cores: $(nproc 2>/dev/null || echo '?'), load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
"$java" -version 2>&1 | head -n 1
redis-server --version
echo
if [[ "$build" == true ]]; then
	echo "== Building $target/benchmarks.jar"
	./mvnw -B -q -pl benchmarks -am package -DskipTests
elif [[ ! -f "$target/benchmarks.jar" ]]; then
	echo "run.sh: --no-build, but there is no $target/benchmarks.jar" >&2
	exit 1
else
	echo "== Using $target/benchmarks.jar as it is (--no-build)"
fi

echo
echo "== Round-trip floor: redis-benchmark, 1 client, no pipelining, 100000 requests"
workdir="$(mktemp -d "${TMPDIR:-/tmp}/redisboot-bench.XXXXXX")"
server_pid=""
port=""

stop_server() {
	if [[ -n "$server_pid" ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=""
	fi
}
cleanup() {
	stop_server
	rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() {
	local attempt i
	for attempt in $(seq 1 20); do
		port=$((20000 + RANDOM % 35000))
		# Something already answers there: not ours, try another port.
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			continue
		fi
		redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
			--dir "$workdir" --logfile "$workdir/redis.log" --daemonize no &
		server_pid=$!
		for i in $(seq 1 200); do
			if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]]; then
				return 0
			fi
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.05
		done
		stop_server
	done
	echo "run.sh: could not start a throwaway redis-server; its log says:" >&2
	tail -n 20 "$workdir/redis.log" >&2 || true
	exit 1
}

start_server
echo "(throwaway redis-server pid $server_pid on 127.0.0.1:$port)"
for size in "${sizes[@]}"; do
	# GET alone would read a key that does not exist (a nil reply, no payload): SET first stores
	# the -d sized value under the key GET then reads. Only GET is the floor.
	redis-benchmark -h 127.0.0.1 -p "$port" -c 1 -n 100000 -t set,get -d "$size" \
		| tr '\r' '\n' | grep -v 'rps=' > "$target/redis-benchmark-$size.txt"
	echo "-- GET, $size-byte value:"
	awk '/====== GET ======/ { get = 1 }
		get && /throughput summary/ { print }
		get && /latency summary/ { print; getline; print; getline; print }' "$target/redis-benchmark-$size.txt"
done
stop_server

echo
echo "== JMH"
# Forks, iterations and their times come from each benchmark's annotations (the Redis ones:
# 1 fork, 3 x 2 s warm-up, 5 x 2 s measured; the codec ones: 1 fork, 3 x 1 s, 5 x 1 s;
# StampedeBenchmark, single-shot: 1 fork per scenario, 5 warm-up and 20 measured rounds). These
# defaults apply too; any of them given on the command line wins (JMH rejects an option given twice).
defaults=(-foe true -rf json -rff "$target/jmh-result.json")
jmh_args=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
	option="${defaults[i]}"
	given=false
	for arg in "$@"; do
		if [[ "$arg" == "$option" ]]; then
			given=true
		fi
	done
	if [[ "$given" == false ]]; then
		jmh_args+=("$option" "${defaults[i + 1]}")
	fi
done
"$java" -jar "$target/benchmarks.jar" "${jmh_args[@]}" "$@" | tee "$target/jmh-output.txt"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
