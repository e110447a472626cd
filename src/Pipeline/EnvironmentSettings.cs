namespace Pipeline;

/// <summary>
/// Holds the settings <see cref="Session.MergeEnvironmentSettings"/> resolves for a URL (requests' <c>merge_environment_settings</c>).
/// </summary>
public sealed class EnvironmentSettings
{
    internal EnvironmentSettings(ProxyMap proxies, bool stream, Verify verify, ClientCert? cert)
    {
        Proxies = proxies;
        Stream = stream;
        Verify = verify;
        Cert = cert;
    }

    /// <summary>Gets the proxies: request over session over environment.</summary>
    public ProxyMap Proxies { get; }

    /// <summary>Gets whether the body is streamed.</summary>
    public bool Stream { get; }

    /// <summary>Gets the TLS verification setting.</summary>
    public Verify Verify { get; }

    /// <summary>Gets the client certificate, or <see langword="null"/>.</summary>
    public ClientCert? Cert { get; }
}
