using System.Text;

namespace Pipeline;

/// <summary>Sends HTTP Basic credentials in the <c>Proxy-Authorization</c> header (requests' <c>HTTPProxyAuth</c>).</summary>
public sealed class ProxyAuth : BasicAuth
{
    /// <summary>Initializes a new instance of the <see cref="ProxyAuth"/> class.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="password">The password.</param>
    /// <param name="encoding">The credential encoding; ISO-8859-1 when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> or <paramref name="password"/> is <see langword="null"/>.</exception>
    public ProxyAuth(string user, string password, Encoding? encoding = null)
        : base(user, password, encoding)
    {
    }

    /// <inheritdoc/>
    protected override string HeaderName => "Proxy-Authorization";
}
