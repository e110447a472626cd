using System.Text;

/// <summary>
/// A stand-in for the identity provider: an OAuth2 token endpoint (client credentials) on 127.0.0.1, so the sample runs
/// offline. A real application points <c>Sessions:upstream:Auth:TokenUrl</c> at its provider instead.
/// </summary>
internal sealed class TokenServer : IAsyncDisposable
{
    public const string ClientId = "aspnet-host-sample";

    private readonly WebApplication _app;
    private int _issued;

    private TokenServer(string clientSecret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{clientSecret}"));
        _app.MapPost("/oauth2/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (http.Request.Headers.Authorization != expected || form["grant_type"] != "client_credentials")
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: StatusCodes.Status401Unauthorized);
            }

            var number = Interlocked.Increment(ref _issued);
            return Results.Json(new { access_token = $"sample-token-{number}", token_type = "Bearer", expires_in = 3600 });
        });
    }

    public string TokenUrl => _app.Urls.First() + "/oauth2/token";

    /// <summary>Gets how many tokens were issued: one, however many requests the session sends in an hour.</summary>
    public int Issued => Volatile.Read(ref _issued);

    public static async Task<TokenServer> StartAsync(string clientSecret)
    {
        var server = new TokenServer(clientSecret);
        await server._app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
