package dev.autogateway.routing;

/** What a request asks of the router: which models, and the seed's {@code provider}/{@code alias} pins. */
public record RouteRequest(ModelQuery models, String provider, String alias, boolean strictAlias) {

    RouteRequest withAnyModel() {
        return new RouteRequest(ModelQuery.anyModel(), provider, alias, strictAlias);
    }
}
