using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Pipeline;

/// <summary>
/// The OAuth 2.0 schemes (RFC 6749): gets an access token from the token endpoint, sends it as a Bearer token (RFC 6750),
/// caches it until shortly before it expires, and on a 401 renews it once and re-sends the request.
/// </summary>
/// <remarks>
/// <para>
/// One token request serves every request waiting for a token, however many run at once. A token is used until its
/// <c>expires_in</c> less <see cref="ExpirySkew"/>; a token without <c>expires_in</c> is used until a request made with it
/// gets a 401. A request whose body cannot be sent twice (a stream that cannot seek) is not re-sent: its 401 is returned.
/// </para>
/// <para>
/// The token request goes through the session's transport (its proxies, TLS settings, mounted adapters, retries and a
/// HAR recording) but not through its auth, cookies, hooks or redirects: it is sent from the auth stage to the stages
/// inside it, with the calling request's transport settings. Redirects to another host never carry the token.
/// </para>
/// <para>An instance may be shared by sessions and concurrent requests; its settings are fixed once it is created.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "No disposable fields: the token flight is a TaskCompletionSource.")]
public abstract class OAuth2Auth : Auth
{
    /// <summary>Marks a token request, so a HAR recording redacts the secrets in its body and the tokens in its answer.</summary>
    internal static readonly HttpRequestOptionsKey<bool> TokenRequestKey = new("Pipeline.OAuth2TokenRequest");

    // A token response is a small JSON object; a body beyond this is not one.
    private const int MaxTokenResponseBytes = 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Uri _tokenUri;
    private CachedToken? _token;
    private TaskCompletionSource<CachedToken>? _flight;
    private IReadOnlyDictionary<string, string> _additionalParameters = new Dictionary<string, string>();
    private TimeSpan _expirySkew = TimeSpan.FromSeconds(30);
    private TimeProvider _timeProvider = TimeProvider.System;

    private protected OAuth2Auth(string tokenUrl, string clientId, string? clientSecret, string? scope)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenUrl);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        if (!Uri.TryCreate(tokenUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The token URL '{Redaction.RedactUrl(tokenUrl)}' is not an absolute http or https URL.", nameof(tokenUrl));
        }

        _tokenUri = uri;
        TokenUrl = tokenUrl;
        ClientId = clientId;
        ClientSecret = clientSecret;
        Scope = string.IsNullOrWhiteSpace(scope) ? null : scope;
    }

    /// <summary>Gets the token endpoint's URL.</summary>
    public string TokenUrl { get; }

    /// <summary>Gets the client identifier.</summary>
    public string ClientId { get; }

    /// <summary>Gets the scope asked for, space-separated (RFC 6749 §3.3), or <see langword="null"/> for the server's default.</summary>
    public string? Scope { get; }

    /// <summary>Gets how the client authenticates to the token endpoint.</summary>
    /// <value>The default value is <see cref="OAuth2ClientAuthentication.ClientSecretBasic"/>.</value>
    public OAuth2ClientAuthentication ClientAuthentication { get; init; }

    /// <summary>Gets how long before its <c>expires_in</c> a token is renewed, so it is never sent just as it expires.</summary>
    /// <value>The default value is 30 seconds. A token whose lifetime is shorter than this is used for half its lifetime.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ExpirySkew
    {
        get => _expirySkew;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _expirySkew = value;
        }
    }

    /// <summary>Gets the clock token lifetimes are measured with.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        init => _timeProvider = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Gets extra fields sent in every token request, such as <c>audience</c> or <c>resource</c>; they are copied.</summary>
    /// <value>The default value is empty.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public IReadOnlyDictionary<string, string> AdditionalParameters
    {
        get => _additionalParameters;
        init => _additionalParameters = new Dictionary<string, string>(value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Gets the client secret, or null for a public client.</summary>
    private protected string? ClientSecret { get; }

    /// <summary>Forgets the cached access token, so the next request gets a new one.</summary>
    public void InvalidateToken()
    {
        lock (_gate)
        {
            _token = null;
        }
    }

    /// <summary>Adds the cached access token, when one is cached and still usable; <see cref="SendAsync"/> gets one otherwise.</summary>
    /// <param name="request">The outgoing request.</param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public override void Apply(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = Volatile.Read(ref _token);
        if (token is not null && IsUsable(token))
        {
            SetHeader(request, token.AccessToken);
        }
    }

    /// <summary>Sends the request with an access token, getting one first when none is cached; on a 401 renews it once and re-sends.</summary>
    /// <param name="request">The outgoing request.</param>
    /// <param name="next">Sends a request through the rest of this hop's pipeline; token requests go through it too.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response to the last attempt.</returns>
    /// <exception cref="OAuth2Exception">The token endpoint refused the token request or answered something other than a Bearer token.</exception>
    /// <exception cref="ConnectionException">The token endpoint could not be reached.</exception>
    public override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(next);
        var used = await GetTokenAsync(null, request, next, cancellationToken).ConfigureAwait(false);

        // A prepared request keeps the token it was prepared with, unless it was prepared before any token was known.
        if (!AppliedAtPreparation(request) || !request.Headers.Contains("Authorization"))
        {
            SetHeader(request, used.AccessToken);
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

        var renewed = await GetTokenAsync(used, request, next, cancellationToken).ConfigureAwait(false);
        SetHeader(retry, renewed.AccessToken);
        return await AuthRetry.SendAsync(retry, response, next, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the scheme, token URL and client id; the secret and tokens are never shown.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{GetType().Name}({Redaction.RedactUrl(TokenUrl)}, {ClientId}, ***)";

    /// <summary>Adds the grant's own fields (<c>grant_type</c> and its parameters) to a token request.</summary>
    private protected abstract void AddGrant(List<KeyValuePair<string, string>> form);

    /// <summary>Called with each token response before its token is used, for the grant to keep what it issued (a rotated refresh token).</summary>
    private protected virtual ValueTask OnTokenResponseAsync(OAuth2TokenResponse response, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Values no message may show besides the client secret (the current refresh token).</summary>
    private protected virtual string? GrantSecret => null;

    private static void SetHeader(HttpRequestMessage request, string token)
    {
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
    }

    private bool IsUsable(CachedToken token) => token.UsableUntil is not { } until || _timeProvider.GetUtcNow() < until;

    /// <summary>
    /// The cached token, or one from a token request that every caller waiting at the time shares. A caller whose request
    /// was cancelled leaves the others waiting: the next of them sends a new token request.
    /// </summary>
    private async Task<CachedToken> GetTokenAsync(
        CachedToken? rejected, HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next, CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource<CachedToken>? mine = null;
            Task<CachedToken> flight;
            lock (_gate)
            {
                if (rejected is not null && ReferenceEquals(_token, rejected))
                {
                    _token = null;
                }

                if (_token is { } cached && !ReferenceEquals(cached, rejected) && IsUsable(cached))
                {
                    return cached;
                }

                if (_flight is null)
                {
                    mine = new TaskCompletionSource<CachedToken>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _flight = mine;
                }

                flight = _flight.Task;
            }

            CallDeadline.Note(request, CallStep.GettingToken);
            if (mine is not null)
            {
                await FlyAsync(mine, request, next, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                var token = await flight.WaitAsync(cancellationToken).ConfigureAwait(false);
                CallDeadline.Note(request, CallStep.Sending);
                return token;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && flight.IsCanceled)
            {
                // The caller that sent the token request gave up; this one still wants a token.
            }
        }
    }

    private async Task FlyAsync(
        TaskCompletionSource<CachedToken> flight, HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next, CancellationToken cancellationToken)
    {
        try
        {
            var token = await RequestTokenAsync(request, next, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _token = token;
                _flight = null;
            }

            flight.SetResult(token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                _flight = null;
            }

            flight.SetCanceled(cancellationToken);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _flight = null;
            }

            flight.SetException(ex);
        }
    }

    private async Task<CachedToken> RequestTokenAsync(
        HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next, CancellationToken cancellationToken)
    {
        var context = request.Options.TryGetValue(RequestContext.Key, out var c) ? c : null;
        var body = Encoding.UTF8.GetBytes(OAuth2Rules.EncodeForm(BuildForm()));
        using var message = new HttpRequestMessage(HttpMethod.Post, _tokenUri) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        message.Headers.TryAddWithoutValidation("Accept", "application/json");
        if (context?.Headers is { } headers && headers.TryGetValue("User-Agent", out var userAgent) && userAgent is not null)
        {
            message.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        if (ClientSecret is not null && ClientAuthentication == OAuth2ClientAuthentication.ClientSecretBasic)
        {
            message.Headers.TryAddWithoutValidation("Authorization", OAuth2Rules.BasicCredentials(ClientId, ClientSecret));
        }

        message.Options.Set(TokenRequestKey, true);
        if (context is not null)
        {
            message.Options.Set(RequestContext.Key, TokenRequestContext(context, body));
        }

        var issuedAt = _timeProvider.GetUtcNow();
        using var response = await next(message, cancellationToken).ConfigureAwait(false);
        var answer = await ReadBodyAsync(response, context?.Timeout?.Read, cancellationToken).ConfigureAwait(false);
        var parsed = OAuth2Rules.ParseTokenResponse(
            response.StatusCode, response.ReasonPhrase, response.Content.Headers.ContentType?.MediaType, answer, TokenUrl, [ClientSecret, GrantSecret]);
        await OnTokenResponseAsync(parsed, cancellationToken).ConfigureAwait(false);
        var lifetime = OAuth2Rules.UsableLifetime(parsed.ExpiresIn, _expirySkew);
        return new CachedToken(parsed.AccessToken, lifetime is { } usable ? issuedAt + usable : null);
    }

    private List<KeyValuePair<string, string>> BuildForm()
    {
        var form = new List<KeyValuePair<string, string>>(6);
        AddGrant(form);
        if (Scope is not null)
        {
            form.Add(new("scope", Scope));
        }

        foreach (var parameter in _additionalParameters)
        {
            form.Add(parameter);
        }

        // RFC 6749 §2.3.1 (client_secret_post) and §3.2.1: a client without a secret names itself in the body.
        if (ClientSecret is null || ClientAuthentication == OAuth2ClientAuthentication.ClientSecretPost)
        {
            form.Add(new("client_id", ClientId));
        }

        if (ClientSecret is not null && ClientAuthentication == OAuth2ClientAuthentication.ClientSecretPost)
        {
            form.Add(new("client_secret", ClientSecret));
        }

        return form;
    }

    /// <summary>
    /// The token request's context: the calling request's transport settings (proxies, TLS, timeouts, retries, adapters,
    /// recording), and none of its auth, cookies, hooks or redirects.
    /// </summary>
    private static RequestContext TokenRequestContext(RequestContext context, byte[] body) => new()
    {
        AuthDisabled = true,
        Cookies = new CookieJar(),
        Hooks = new HookMap(),
        Proxies = context.Proxies,
        Verify = context.Verify,
        Cert = context.Cert,
        Timeout = context.Timeout,
        Retry = context.Retry,
        TrustEnv = context.TrustEnv,
        Adapters = context.Adapters,
        JsonOptions = context.JsonOptions,
        Body = body,
        ProxyEnvironment = context.ProxyEnvironment,
        HarRecorders = context.HarRecorders,
    };

    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, TimeSpan? readTimeout, CancellationToken cancellationToken)
    {
        using var timer = readTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer?.CancelAfter(readTimeout!.Value);
        var token = timer?.Token ?? cancellationToken;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var collected = new MemoryStream();
                var buffer = new byte[8192];
                int read;
                while ((read = await stream.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                {
                    if (collected.Length + read > MaxTokenResponseBytes)
                    {
                        throw new OAuth2Exception($"The token endpoint's response is larger than {MaxTokenResponseBytes} bytes; it is not a token response.", null, null, null, response.StatusCode);
                    }

                    await collected.WriteAsync(buffer.AsMemory(0, read), token).ConfigureAwait(false);
                }

                return collected.ToArray();
            }
        }
        catch (OperationCanceledException ex) when (timer is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            throw new ReadTimeoutException($"Read timed out. (read timeout={TransportTimeouts.Seconds(readTimeout!.Value)})", ex);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException && !cancellationToken.IsCancellationRequested)
        {
            throw new OAuth2Exception("The token endpoint's response could not be read: " + ex.Message, null, null, null, response.StatusCode, ex);
        }
    }

    /// <summary>An access token and until when it is used (null: until a 401).</summary>
    private sealed record CachedToken(string AccessToken, DateTimeOffset? UsableUntil);
}
