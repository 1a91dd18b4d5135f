package dev.autogateway.routing;

import java.util.List;

/** Config order: providers, then their models, then their keys. Failover simply walks down the list. */
final class SequentialStrategy implements Strategy {

    @Override
    public List<Target> order(List<Target> candidates, RouteRequest request) {
        return candidates;
    }

    @Override
    public void record(Target target, AttemptOutcome outcome) {
        // Sequential keeps no state; cool-downs are the router's (see Cooldowns).
    }
}
