namespace Pipeline;

/// <summary>
/// One-shot calls in the manner of <c>requests.get(...)</c>: each call uses fresh session state (no cookies or
/// defaults carried over) over one connection pool shared by the whole process.
/// </summary>
public static class Requests
{
    private static readonly HttpAdapter SharedAdapter = new();

    /// <summary>Creates a session with requests' defaults, as <c>requests.Session()</c>; same as <c>new Session()</c>.</summary>
    /// <returns>The session.</returns>
    public static Session Session() => new();

    /// <summary>Sends one request with default settings.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="url">The absolute URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public static async Task<Response> RequestAsync(string method, string url, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var session = CreateOneShot();
        return await session.RequestAsync(method, url, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one GET request with default settings.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public static async Task<Response> GetAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var session = CreateOneShot();
        return await session.GetAsync(url, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one OPTIONS request with default settings.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public static async Task<Response> OptionsAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var session = CreateOneShot();
        return await session.OptionsAsync(url, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one HEAD request with default settings; redirects are not followed unless asked.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public static async Task<Response> HeadAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var session = CreateOneShot();
        return await session.HeadAsync(url, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one POST request with default settings.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public static async Task<Response> PostAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var session = CreateOneShot();
        return await session.PostAsync(url, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one PUT request with default settings.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public static async Task<Response> PutAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var session = CreateOneShot();
        return await session.PutAsync(url, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one PATCH request with default settings.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public static async Task<Response> PatchAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var session = CreateOneShot();
        return await session.PatchAsync(url, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one DELETE request with default settings.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public static async Task<Response> DeleteAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var session = CreateOneShot();
        return await session.DeleteAsync(url, options, cancellationToken).ConfigureAwait(false);
    }

    private static Session CreateOneShot() => new(new SessionSettings(), SharedAdapter, ownsAdapter: false);
}
