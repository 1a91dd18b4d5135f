package dev.autogateway.routing;

/**
 * What a request asks of the router: which models, the seed's {@code provider}/{@code alias} pins, what it needs of
 * a target ({@link RequestNeeds}), its conversation's key for sticky routing (null: none), and the strategy its
 * {@code x-gateway-strategy} header names (null: {@code router.strategy}). {@code fallback}: this is the request as
 * put to a fallback model, whose targets are tried only after the main ones.
 */
public record RouteRequest(ModelQuery models, String provider, String alias, boolean strictAlias, RequestNeeds needs,
        String session, String strategy, boolean fallback) {

    public RouteRequest(ModelQuery models, String provider, String alias, boolean strictAlias, RequestNeeds needs,
            String session, String strategy) {
        this(models, provider, alias, strictAlias, needs, session, strategy, false);
    }

    public RouteRequest(ModelQuery models, String provider, String alias, boolean strictAlias) {
        this(models, provider, alias, strictAlias, RequestNeeds.NONE, null, null);
    }

    RouteRequest withAnyModel() {
        return new RouteRequest(ModelQuery.anyModel(), provider, alias, strictAlias, needs, session, strategy, fallback);
    }

    /** The same request for a fallback model: no pins but the alias, and no session (it is bound to the main plan). */
    RouteRequest forFallback(String model) {
        return new RouteRequest(ModelQuery.parse(model), null, alias, strictAlias, needs, null, strategy, true);
    }
}
