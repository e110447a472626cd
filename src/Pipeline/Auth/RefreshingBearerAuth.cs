using System.Net;

namespace Pipeline;

/// <summary>
/// Sends a bearer token obtained from a provider, caches it, and on a 401 refreshes it once and re-sends the request.
/// </summary>
/// <remarks>
/// The provider is called for the first request and again only after a 401 answered a request made with the current
/// token; concurrent requests share one refresh. A request whose body cannot be sent twice (a non-seekable stream) is
/// not re-sent: its 401 is returned.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle (only WaitAsync is used), so there is nothing to dispose.")]
public sealed class RefreshingBearerAuth : Auth
{
    private readonly Func<CancellationToken, ValueTask<string>> _tokenProvider;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile string? _token;

    /// <summary>Initializes a new instance of the <see cref="RefreshingBearerAuth"/> class.</summary>
    /// <param name="tokenProvider">Returns a fresh token; called once at first use and after each rejected token.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenProvider"/> is <see langword="null"/>.</exception>
    public RefreshingBearerAuth(Func<CancellationToken, ValueTask<string>> tokenProvider)
    {
        ArgumentNullException.ThrowIfNull(tokenProvider);
        _tokenProvider = tokenProvider;
    }

    /// <summary>Adds the cached token, when one is known.</summary>
    /// <param name="request">The outgoing request.</param>
    public override void Apply(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_token is { } token)
        {
            SetHeader(request, token);
        }
    }

    /// <summary>Sends the request with the current token; on a 401 refreshes the token once and re-sends.</summary>
    /// <param name="request">The outgoing request.</param>
    /// <param name="next">Sends a request through the rest of this hop's pipeline.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response to the last attempt.</returns>
    /// <exception cref="InvalidOperationException">The provider returned an empty token.</exception>
    public override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(next);
        var used = _token ?? await RefreshAsync(null, cancellationToken).ConfigureAwait(false);
        if (!AppliedAtPreparation(request))
        {
            SetHeader(request, used);
        }

        var sent = HeaderSnapshot.Capture(request.Headers);
        var response = await next(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var retry = await AuthRetry.CopyAsync(request, sent, response, cancellationToken).ConfigureAwait(false);
        if (retry is null)
        {
            return response;
        }

        SetHeader(retry, await RefreshAsync(used, cancellationToken).ConfigureAwait(false));
        return await AuthRetry.SendAsync(retry, response, next, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the scheme name; the token is never shown.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => "RefreshingBearerAuth(***)";

    private static void SetHeader(HttpRequestMessage request, string token)
    {
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
    }

    private async Task<string> RefreshAsync(string? rejected, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have refreshed while this one waited: use its token rather than refresh again.
            if (_token is { } current && current != rejected)
            {
                return current;
            }

            var token = await _tokenProvider(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(token) || token.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new InvalidOperationException("The token provider returned an empty token or one containing CR or LF.");
            }

            _token = token;
            return token;
        }
        finally
        {
            _refresh.Release();
        }
    }
}
