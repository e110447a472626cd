using System.Text;
using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>Where requests' utils helpers show through Pipeline's public API.</summary>
internal static class Observe
{
    /// <summary>The proxy the tests put in <c>http_proxy</c>, so that a bypass shows as its absence.</summary>
    public const string HttpProxy = "http://proxy.example.com:3128/";

    /// <summary>
    /// <c>get_environ_proxies(url, no_proxy)</c> through <see cref="Session.MergeEnvironmentSettings"/>: the environment's
    /// http proxy, or null when the URL bypasses proxies. <paramref name="noProxy"/> goes in as requests' <c>proxies["no_proxy"]</c>.
    /// </summary>
    public static string? EnvironHttpProxy(string url, string? noProxy = null)
    {
        using var session = new Session();
        var proxies = noProxy is null ? null : new ProxyMap { ["no_proxy"] = noProxy };
        return session.MergeEnvironmentSettings(url, proxies, null, null, null).Proxies["http"];
    }

    /// <summary>The Authorization header a GET of <paramref name="url"/> is prepared with, or null.</summary>
    public static string? PreparedAuthorization(string url, bool trustEnv = true)
    {
        using var session = new Session { TrustEnv = trustEnv };
        return session.PrepareRequest(new Request("GET", url)).Headers["Authorization"];
    }

    /// <summary>The Authorization value of Basic credentials, ISO-8859-1 as requests encodes them.</summary>
    public static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.Latin1.GetBytes($"{user}:{password}"));

    /// <summary>A temporary file holding <paramref name="text"/>, named <paramref name="name"/> in a directory of its own.</summary>
    public static string TempFile(string name, string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>GETs a response whose only headers are <paramref name="headers"/> and Content-Length.</summary>
    public static Task<Response> ResponseWith(string[] headers, byte[] body) => CannedResponse.GetAsync(headers, body);
}
