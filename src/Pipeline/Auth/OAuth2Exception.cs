using System.Net;

namespace Pipeline;

/// <summary>
/// The exception thrown when an OAuth 2.0 token endpoint refuses a token request or answers with something that is not a
/// usable token response (RFC 6749 §5.2).
/// </summary>
/// <remarks>The message names the OAuth <c>error</c> code when the server gave one; it never contains the client secret, a refresh token or an access token.</remarks>
public class OAuth2Exception : RequestException
{
    /// <summary>Initializes a new instance of the <see cref="OAuth2Exception"/> class.</summary>
    public OAuth2Exception()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OAuth2Exception"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public OAuth2Exception(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OAuth2Exception"/> class with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OAuth2Exception(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OAuth2Exception"/> class with the token endpoint's answer.</summary>
    /// <param name="message">The message.</param>
    /// <param name="error">The OAuth <c>error</c> code, or <see langword="null"/>.</param>
    /// <param name="errorDescription">The OAuth <c>error_description</c>, or <see langword="null"/>.</param>
    /// <param name="errorUri">The OAuth <c>error_uri</c>, or <see langword="null"/>.</param>
    /// <param name="tokenEndpointStatus">The token endpoint's HTTP status, or <see langword="null"/>.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public OAuth2Exception(string? message, string? error, string? errorDescription, string? errorUri, HttpStatusCode? tokenEndpointStatus, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        ErrorDescription = errorDescription;
        ErrorUri = errorUri;
        TokenEndpointStatus = tokenEndpointStatus;
    }

    /// <summary>Gets the OAuth <c>error</c> code (<c>invalid_client</c>, <c>invalid_grant</c>, …), or <see langword="null"/> when the server gave none.</summary>
    public string? Error { get; }

    /// <summary>Gets the OAuth <c>error_description</c>, or <see langword="null"/>.</summary>
    public string? ErrorDescription { get; }

    /// <summary>Gets the OAuth <c>error_uri</c>, or <see langword="null"/>.</summary>
    public string? ErrorUri { get; }

    /// <summary>Gets the HTTP status the token endpoint answered with, or <see langword="null"/> when it did not answer.</summary>
    public HttpStatusCode? TokenEndpointStatus { get; }
}
