namespace Pipeline;

/// <summary>Chooses how one request uses the session's <see cref="HttpCache"/> (<see cref="RequestOptions.CacheMode"/>).</summary>
public enum CacheMode
{
    /// <summary>RFC 9111: a fresh stored response is served, a stale one revalidated, a storable answer stored.</summary>
    Default = 0,

    /// <summary>The cache is neither read nor written for this request (a successful unsafe request still invalidates).</summary>
    Bypass = 1,

    /// <summary>A stored response is not served as it is: it is revalidated (or fetched again when it has no validator), and the answer stored.</summary>
    Refresh = 2,

    /// <summary>Only a stored response is used, as the request directive <c>only-if-cached</c>: nothing usable is a 504 response, and the origin is never contacted.</summary>
    OnlyIfCached = 3,
}
