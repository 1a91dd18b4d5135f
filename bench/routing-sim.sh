#!/usr/bin/env bash
# The routing simulator (docs/routing.md): the gateway's real strategies, health gates and retry policy on a
# virtual clock against simulated targets, side by side with an oracle and random choice. Deterministic per seed.
#
#   bench/routing-sim.sh               # full run, seed 42 (a few seconds once compiled)
#   bench/routing-sim.sh --seed 7      # another seed
#   bench/routing-sim.sh --quick       # half-length scenarios
#
# Needs only Maven and a JDK 17+: it compiles the test classes and runs them on the test classpath.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/routing-sim.classpath -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/routing-sim.classpath)" \
    dev.autogateway.routing.RoutingSimulator "$@"
