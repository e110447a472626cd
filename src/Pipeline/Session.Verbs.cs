namespace Pipeline;

public partial class Session
{
    /// <summary>Sends a GET request; redirects are followed unless <see cref="RequestOptions.AllowRedirects"/> is <see langword="false"/>.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public Task<Response> GetAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestCoreAsync("GET", url, options, defaultAllowRedirects: true, cancellationToken);

    /// <summary>Sends an OPTIONS request.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public Task<Response> OptionsAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestCoreAsync("OPTIONS", url, options, defaultAllowRedirects: true, cancellationToken);

    /// <summary>Sends a HEAD request; unlike the other verbs it does not follow redirects unless asked, as requests' <c>head</c>.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public Task<Response> HeadAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestCoreAsync("HEAD", url, options, defaultAllowRedirects: false, cancellationToken);

    /// <summary>Sends a POST request.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="options">Per-request settings (body in Data, Json or Files), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public Task<Response> PostAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestCoreAsync("POST", url, options, defaultAllowRedirects: true, cancellationToken);

    /// <summary>Sends a PUT request.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public Task<Response> PutAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestCoreAsync("PUT", url, options, defaultAllowRedirects: true, cancellationToken);

    /// <summary>Sends a PATCH request.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public Task<Response> PatchAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestCoreAsync("PATCH", url, options, defaultAllowRedirects: true, cancellationToken);

    /// <summary>Sends a DELETE request.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="options">Per-request settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response.</returns>
    public Task<Response> DeleteAsync(string url, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestCoreAsync("DELETE", url, options, defaultAllowRedirects: true, cancellationToken);
}
