namespace Pipeline.RequestsSuite;

/// <summary>
/// tests/utils.py's <c>override_environ</c> with conftest.py's <c>clean_proxy_environ</c>: the proxy variables are
/// removed, the given ones set (a null value removes), and the whole environment is restored on dispose.
/// Only for tests in <see cref="TestRequestsCollection"/>, which never runs in parallel with another.
/// </summary>
internal sealed class EnvironmentScope : IDisposable
{
    private static readonly string[] ProxyVariables = ["http_proxy", "https_proxy", "no_proxy", "ftp_proxy", "all_proxy"];

    private readonly Dictionary<string, string> _saved;

    private EnvironmentScope()
    {
        _saved = Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
    }

    public static EnvironmentScope Override(params (string Name, string? Value)[] variables)
    {
        var scope = new EnvironmentScope();
        foreach (var name in ProxyVariables)
        {
            Environment.SetEnvironmentVariable(name, null);
            Environment.SetEnvironmentVariable(name.ToUpperInvariant(), null);
        }

        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        return scope;
    }

    public void Dispose()
    {
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (!_saved.ContainsKey(name))
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
