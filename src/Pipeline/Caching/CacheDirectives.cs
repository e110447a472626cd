namespace Pipeline;

/// <summary>The cache directives of one request or response (RFC 9111 §5.2, RFC 5861), parsed by <see cref="CacheControlRules"/>.</summary>
internal sealed class CacheDirectives
{
    public static readonly CacheDirectives None = new();

    public TimeSpan? MaxAge { get; set; }

    public TimeSpan? SharedMaxAge { get; set; }

    /// <summary>Gets or sets the request's <c>max-stale</c> limit; <see cref="TimeSpan.MaxValue"/> when it has no value (any staleness).</summary>
    public TimeSpan? MaxStale { get; set; }

    public TimeSpan? MinFresh { get; set; }

    public TimeSpan? StaleWhileRevalidate { get; set; }

    public TimeSpan? StaleIfError { get; set; }

    public bool NoCache { get; set; }

    public bool NoStore { get; set; }

    public bool Private { get; set; }

    public bool Public { get; set; }

    public bool MustRevalidate { get; set; }

    public bool ProxyRevalidate { get; set; }

    public bool MustUnderstand { get; set; }

    public bool OnlyIfCached { get; set; }
}
