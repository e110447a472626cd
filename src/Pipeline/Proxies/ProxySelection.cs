namespace Pipeline;

/// <summary>A hop's proxy: its URL without user information, and the credentials that were in it.</summary>
/// <param name="Url">The proxy URL.</param>
/// <param name="Credentials">The credentials for the CONNECT of an https target.</param>
internal sealed record ProxySelection(Uri Url, System.Net.NetworkCredential? Credentials)
{
    /// <summary>The same credentials as the <c>Proxy-Authorization: Basic</c> header of a plain-http target.</summary>
    public ProxyAuth? Auth { get; init; }
}
