using System.Collections;

namespace Pipeline.RequestsSuite.Testserver;

/// <summary>
/// requests' <c>override_environ</c> (tests/utils.py) with its conftest's <c>clean_proxy_environ</c>: removes the proxy
/// variables, sets the given ones (a null value deletes), and restores the whole environment when disposed. Tests using
/// it belong to the <see cref="EnvironmentCollection"/>, which never runs beside other tests.
/// </summary>
public sealed class OverrideEnviron : IDisposable
{
    private static readonly string[] ProxyVariables = ["http_proxy", "https_proxy", "no_proxy", "ftp_proxy", "all_proxy"];

    private readonly Dictionary<string, string> _saved;

    public OverrideEnviron(params (string Name, string? Value)[] variables)
    {
        _saved = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
        foreach (var name in ProxyVariables)
        {
            Environment.SetEnvironmentVariable(name, null);
            Environment.SetEnvironmentVariable(name.ToUpperInvariant(), null);
        }

        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => !_saved.ContainsKey(n)))
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
