namespace Pipeline;

/// <summary>How an OAuth 2.0 client authenticates to the token endpoint (RFC 6749 §2.3.1).</summary>
public enum OAuth2ClientAuthentication
{
    /// <summary>HTTP Basic with the form-urlencoded client id and secret (<c>client_secret_basic</c>), the default every server must support.</summary>
    ClientSecretBasic,

    /// <summary>The client id and secret as <c>client_id</c> and <c>client_secret</c> fields of the request body (<c>client_secret_post</c>).</summary>
    ClientSecretPost,
}
