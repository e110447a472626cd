using System.Net;
using System.Net.Sockets;

namespace Pipeline;

/// <summary>Proxy selection and bypass as requests' <c>select_proxy</c>, <c>should_bypass_proxies</c> and <c>get_environ_proxies</c>.</summary>
internal static class ProxyRules
{
    private static readonly string[] EnvironmentSchemes = ["http", "https", "all"];

    /// <summary>requests' <c>select_proxy</c>: <c>scheme://host</c> &gt; <c>scheme</c> &gt; <c>all://host</c> &gt; <c>all</c>.</summary>
    public static string? SelectProxy(Uri url, ProxyMap proxies)
    {
        var scheme = url.Scheme.ToLowerInvariant();
        if (string.IsNullOrEmpty(url.Host))
        {
            return proxies[scheme] ?? proxies["all"];
        }

        var host = url.IdnHost.ToLowerInvariant();
        return proxies[scheme + "://" + host] ?? proxies[scheme] ?? proxies["all://" + host] ?? proxies["all"];
    }

    /// <summary>
    /// The proxies that apply to a request: the request's over the session's (already merged), then, when
    /// <paramref name="trustEnv"/> is on and the URL is not bypassed by NO_PROXY (or the map's <c>no_proxy</c> key), the
    /// environment's for keys nobody set. Read at call time, never cached.
    /// </summary>
    /// <remarks>requests lets environment proxies beat <c>session.proxies</c>; Pipeline deliberately keeps request &gt; session &gt; environment.</remarks>
    public static ProxyMap ResolveProxies(Uri url, ProxyMap? proxies, bool trustEnv, ProxyEnvironment? environment = null)
    {
        var resolved = proxies is null ? new ProxyMap() : new ProxyMap(proxies);
        if (trustEnv)
        {
            // A key set to null (removed by the request or the session) is not filled either (see MergeRules.MergeSetting).
            foreach (var (key, value) in GetEnvironProxies(url, resolved["no_proxy"], environment))
            {
                if (!resolved.ContainsKey(key))
                {
                    resolved[key] = value;
                }
            }
        }

        return WithoutRemovedKeys(resolved);
    }

    /// <summary>The map without the null entries that mark removed keys.</summary>
    public static ProxyMap WithoutRemovedKeys(ProxyMap proxies)
    {
        foreach (var key in proxies.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            proxies.Remove(key);
        }

        return proxies;
    }

    /// <summary>
    /// Turns a proxy URL into what the transport needs, as urllib3's <c>proxy_from_url</c>: <c>http://</c> when the scheme
    /// is missing, the user information (percent-decoded) as credentials, and a clear error for a URL with no host.
    /// </summary>
    public static ProxySelection ParseProxyUrl(string proxyUrl)
    {
        var text = proxyUrl.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            // "proxy:3128" and "user:pass@proxy:3128" get http://; "http:/proxy:3128" is a scheme with a broken
            // authority, which urllib3's parse_url reads as no host at all.
            text = text.Contains(":/", StringComparison.Ordinal) ? string.Empty : "http://" + text;
        }

        // requests' InvalidProxyURL: the host is checked on the text itself, before .NET's lenient parser (which reads
        // "http:///proxy:3128" as host "proxy") and before any DNS lookup.
        if (!HasHost(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidProxyUrlException($"Please check proxy URL '{Redaction.RedactProxyUrl(proxyUrl)}'. It is malformed and could be missing the host.");
        }

        if (uri.Scheme is not ("http" or "socks4" or "socks4a" or "socks5"))
        {
            throw new InvalidProxyUrlException(
                $"Unsupported proxy scheme '{uri.Scheme}' in '{Redaction.RedactProxyUrl(proxyUrl)}': use http://, socks4://, socks4a:// or socks5://.");
        }

        System.Net.NetworkCredential? credentials = null;
        ProxyAuth? auth = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            credentials = new System.Net.NetworkCredential(user, password);

            // requests' proxy_headers: _basic_auth_str encodes the credentials as ISO-8859-1 and fails on anything else.
            try
            {
                auth = new ProxyAuth(user, password);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidProxyUrlException(
                    $"The credentials in proxy URL '{Redaction.RedactProxyUrl(proxyUrl)}' have characters ISO-8859-1 cannot encode, as Basic proxy credentials must be.", ex);
            }
        }

        var bare = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty, Path = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri;
        return new ProxySelection(bare, credentials) { Auth = auth };
    }

    // Whether the authority of "scheme://authority" names a host: urllib3's parse_url finds none in "http://:3128".
    private static bool HasHost(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var authority = url.AsSpan(start + 3);
        var end = authority.IndexOfAny("/?#");
        authority = end < 0 ? authority : authority[..end];
        var at = authority.LastIndexOf('@');
        var hostAndPort = at < 0 ? authority : authority[(at + 1)..];
        return hostAndPort.Length > 0 && hostAndPort[0] != ':';
    }

    /// <summary>The proxy for one hop, or null to go direct.</summary>
    /// <param name="url">The hop's URL.</param>
    /// <param name="proxies">The merged proxies of the request and the session.</param>
    /// <param name="trustEnv">Whether the environment's proxies and NO_PROXY apply.</param>
    /// <param name="environment">The request's view of the environment, or null to read it now.</param>
    public static ProxySelection? ChooseProxy(Uri url, ProxyMap? proxies, bool trustEnv, ProxyEnvironment? environment = null)
    {
        // The common case, no proxy anywhere, allocates nothing. Only the two variables (each in two spellings) that can
        // apply to this scheme are read.
        environment ??= ProxyEnvironment.Live;
        if (proxies is null or { Count: 0 } && (!trustEnv || (environment.ForScheme(url.Scheme) is null && environment.All is null)))
        {
            return null;
        }

        var proxy = SelectProxy(url, ResolveProxies(url, proxies, trustEnv, environment));
        return string.IsNullOrWhiteSpace(proxy) ? null : ParseProxyUrl(proxy);
    }

    /// <summary>Reads <c>http_proxy</c>, <c>https_proxy</c> and <c>all_proxy</c> (lower case first, then upper); now, unless a request's view is given.</summary>
    public static ProxyMap GetProxiesFromEnvironment(ProxyEnvironment? environment = null)
    {
        environment ??= ProxyEnvironment.Live;
        var proxies = new ProxyMap();
        foreach (var scheme in EnvironmentSchemes)
        {
            var value = environment.ForScheme(scheme);
            if (!string.IsNullOrEmpty(value))
            {
                proxies[scheme] = value;
            }
        }

        return proxies;
    }

    /// <summary>requests' <c>get_environ_proxies</c>: nothing when the URL bypasses proxies, else the environment's.</summary>
    public static ProxyMap GetEnvironProxies(Uri url, string? noProxy, ProxyEnvironment? environment = null) =>
        ShouldBypassProxies(url, noProxy, environment) ? new ProxyMap() : GetProxiesFromEnvironment(environment);

    /// <summary>
    /// requests' <c>should_bypass_proxies</c>: <paramref name="noProxy"/>, else <c>no_proxy</c>/<c>NO_PROXY</c>; entries match
    /// by CIDR or exact IP for IPv4 hosts, else by host, <c>host:port</c> or domain suffix (a leading dot is ignored); <c>*</c> matches all.
    /// </summary>
    public static bool ShouldBypassProxies(Uri url, string? noProxy, ProxyEnvironment? environment = null)
    {
        // requests: a URL without a host (file:///path) never goes through a proxy.
        if (string.IsNullOrEmpty(url.Host))
        {
            return true;
        }

        noProxy ??= (environment ?? ProxyEnvironment.Live).NoProxy;
        if (string.IsNullOrEmpty(noProxy))
        {
            return false;
        }

        // urllib's proxy_bypass_environment: "*" bypasses everything only as the whole value, not as one entry of a list.
        if (noProxy == "*")
        {
            return true;
        }

        var host = url.IdnHost.ToLowerInvariant();
        var entries = noProxy.Replace(" ", string.Empty, StringComparison.Ordinal).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var isIPv4 = IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetwork;
        foreach (var raw in entries)
        {
            var entry = raw.ToLowerInvariant();

            if (isIPv4)
            {
                if (entry.Contains('/', StringComparison.Ordinal) ? InCidr(address!, entry) : entry == host)
                {
                    return true;
                }

                continue;
            }

            var trimmed = entry.TrimStart('.');
            var hostWithPort = url.IsDefaultPort ? host : host + ":" + url.Port;
            if (host == trimmed || hostWithPort == trimmed || host.EndsWith("." + trimmed, StringComparison.Ordinal)
                || hostWithPort.EndsWith("." + trimmed, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InCidr(IPAddress address, string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(cidr[..slash], out var network) || network.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(cidr[(slash + 1)..], out var bits) || bits < 1 || bits > 32)
        {
            return false;
        }

        var mask = bits == 32 ? uint.MaxValue : ~(uint.MaxValue >> bits);
        return (ToUInt32(address) & mask) == (ToUInt32(network) & mask);
    }

    private static uint ToUInt32(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }
}
