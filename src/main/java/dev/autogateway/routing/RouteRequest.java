package dev.autogateway.routing;

/**
 * What a request asks of the router: which models, the seed's {@code provider}/{@code alias} pins, what it needs of
 * a target ({@link RequestNeeds}), its conversation's key for sticky routing (null: none), and the strategy its
 * {@code x-gateway-strategy} header names (null: {@code router.strategy}).
 */
public record RouteRequest(ModelQuery models, String provider, String alias, boolean strictAlias, RequestNeeds needs,
        String session, String strategy) {

    public RouteRequest(ModelQuery models, String provider, String alias, boolean strictAlias) {
        this(models, provider, alias, strictAlias, RequestNeeds.NONE, null, null);
    }

    RouteRequest withAnyModel() {
        return new RouteRequest(ModelQuery.anyModel(), provider, alias, strictAlias, needs, session, strategy);
    }

    /** The same request for a fallback model: no pins but the alias, and no session (it is bound to the main plan). */
    RouteRequest forFallback(String model) {
        return new RouteRequest(ModelQuery.parse(model), null, alias, strictAlias, needs, null, strategy);
    }
}
