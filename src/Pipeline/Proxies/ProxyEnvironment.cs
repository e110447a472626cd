namespace Pipeline;

/// <summary>
/// The proxy variables of the environment: <c>http_proxy</c>, <c>https_proxy</c>, <c>all_proxy</c> and <c>no_proxy</c>,
/// lower case first, as urllib's <c>getproxies_environment</c>; an empty value counts as unset.
/// </summary>
/// <remarks>
/// <see cref="Live"/> reads the environment at every call. A request keeps an instance of its own, which reads each
/// variable on first use and keeps it for the request's later redirect hops. requests reads them again on every hop;
/// only a hook changing the environment in the middle of a redirect chain could tell the difference, and a read costs
/// about 250 ns (RedirectBenchmark: about 1 µs per hop).
/// </remarks>
internal sealed class ProxyEnvironment
{
    /// <summary>Reads the environment at every call, for the public helpers and requests sent without a session.</summary>
    public static readonly ProxyEnvironment Live = new(keep: false);

    private readonly bool _keep;
    private Variable _http;
    private Variable _https;
    private Variable _all;
    private Variable _noProxy;

    /// <summary>Initializes a new instance that reads each variable once.</summary>
    public ProxyEnvironment()
        : this(keep: true)
    {
    }

    private ProxyEnvironment(bool keep)
    {
        _keep = keep;
    }

    public string? NoProxy => Get(ref _noProxy, "no_proxy", "NO_PROXY");

    public string? All => Get(ref _all, "all_proxy", "ALL_PROXY");

    /// <summary>The proxy variable of a scheme (<c>http_proxy</c> for "http"), or null.</summary>
    public string? ForScheme(string scheme) => scheme switch
    {
        "http" => Get(ref _http, "http_proxy", "HTTP_PROXY"),
        "https" => Get(ref _https, "https_proxy", "HTTPS_PROXY"),
        "all" => All,

        // Another scheme is rare (a mounted adapter's own); it is read each time.
        _ => ReadNow(scheme + "_proxy", (scheme + "_proxy").ToUpperInvariant()),
    };

    private string? Get(ref Variable variable, string lowerName, string upperName)
    {
        if (!_keep)
        {
            return ReadNow(lowerName, upperName);
        }

        if (!variable.Read)
        {
            variable = new Variable(true, ReadNow(lowerName, upperName));
        }

        return variable.Value;
    }

    private static string? ReadNow(string lowerName, string upperName) =>
        Environment.GetEnvironmentVariable(lowerName) is { Length: > 0 } lower
            ? lower
            : Environment.GetEnvironmentVariable(upperName) is { Length: > 0 } upper ? upper : null;

    private readonly record struct Variable(bool Read, string? Value);
}
