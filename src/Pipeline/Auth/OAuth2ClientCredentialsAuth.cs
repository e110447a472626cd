namespace Pipeline;

/// <summary>
/// OAuth 2.0 client credentials (RFC 6749 §4.4): the client gets access tokens for itself with its id and secret, and
/// sends them as Bearer tokens.
/// </summary>
/// <remarks>
/// <code>session.Auth = new OAuth2ClientCredentialsAuth("https://login.example.com/oauth2/token", clientId, clientSecret, scope: "read");</code>
/// Tokens are cached and renewed as <see cref="OAuth2Auth"/> describes. A refresh token in the answer is ignored: this
/// grant asks for a new access token instead (RFC 6749 §4.4.3).
/// </remarks>
public sealed class OAuth2ClientCredentialsAuth : OAuth2Auth
{
    /// <summary>Initializes a new instance of the <see cref="OAuth2ClientCredentialsAuth"/> class.</summary>
    /// <param name="tokenUrl">The token endpoint, an absolute https (or http) URL.</param>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="clientSecret">The client secret.</param>
    /// <param name="scope">The scope to ask for, space-separated, or <see langword="null"/> for the server's default.</param>
    /// <exception cref="ArgumentException"><paramref name="tokenUrl"/> is not an absolute http or https URL, or <paramref name="clientId"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="clientSecret"/> is <see langword="null"/>.</exception>
    public OAuth2ClientCredentialsAuth(string tokenUrl, string clientId, string clientSecret, string? scope = null)
        : base(tokenUrl, clientId, clientSecret ?? throw new ArgumentNullException(nameof(clientSecret)), scope)
    {
    }

    private protected override void AddGrant(List<KeyValuePair<string, string>> form) => form.Add(new("grant_type", "client_credentials"));
}
