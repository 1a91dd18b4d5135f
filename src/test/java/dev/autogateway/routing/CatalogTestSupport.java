package dev.autogateway.routing;

import dev.autogateway.config.ConfigLoader;
import java.util.Map;

/** A single target for unit tests that need one. */
final class CatalogTestSupport {
    Target target() {
        var cfg = ConfigLoader.parse("{\"providers\":[{\"name\":\"p\",\"type\":\"echo\",\"api_key\":\"k\",\"models\":[\"m\"]}]}", Map.of());
        return new Catalog(cfg.providers()).candidates(new RouteRequest(ModelQuery.parse("m"), null, null, true)).get(0);
    }
}
