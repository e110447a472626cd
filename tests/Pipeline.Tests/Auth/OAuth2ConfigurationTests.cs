using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Tests.DependencyInjection;

namespace Pipeline.Tests.Authentication;

/// <summary>Auth bound from configuration (<c>Sessions:api:Auth:*</c>), the secret from a separate source as user secrets or the environment would give it.</summary>
public sealed class OAuth2ConfigurationTests : IAsyncLifetime
{
    private OAuth2TestServer _server = null!;

    public async Task InitializeAsync() => _server = await OAuth2TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AddSession_OAuth2ClientCredentialsFromConfiguration_GetsAndSendsTokens()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Sessions:api:BaseAddress"] = _server.BaseUrl + "/",
                ["Sessions:api:Auth:Type"] = "OAuth2ClientCredentials",
                ["Sessions:api:Auth:TokenUrl"] = _server.TokenUrl,
                ["Sessions:api:Auth:ClientId"] = OAuth2TestServer.ClientId,
                ["Sessions:api:Auth:Scope"] = "read",
                ["Sessions:api:Auth:ClientAuthentication"] = "ClientSecretPost",
                ["Sessions:api:Auth:ExpirySkew"] = "60",
                ["Sessions:api:Auth:Parameters:audience"] = "orders",
            })

            // In an app this is user secrets or the environment (Sessions__api__Auth__ClientSecret), kept out of appsettings.json.
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sessions:api:Auth:ClientSecret"] = OAuth2TestServer.ClientSecret })
            .Build();
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));
        var factory = provider.GetRequiredService<ISessionFactory>();

        var first = await factory.Create("api").GetAsync("api/a");
        var second = await factory.Create("api").GetAsync("api/b");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var token = Assert.Single(_server.TokenRequestLog);
        Assert.Equal("orders", token.Form["audience"]);
        Assert.Equal("read", token.Form["scope"]);
        Assert.Equal(OAuth2TestServer.ClientSecret, token.Form["client_secret"]);
        var auth = Assert.IsType<OAuth2ClientCredentialsAuth>(provider.GetRequiredService<IOptionsMonitor<SessionSettings>>().Get("api").Auth);
        Assert.Equal(TimeSpan.FromSeconds(60), auth.ExpirySkew);
    }

    [Fact]
    public void Bind_OAuth2RefreshToken_BuildsTheScheme()
    {
        var auth = Bind(new()
        {
            ["Auth:Type"] = "oauth2refreshtoken",
            ["Auth:TokenUrl"] = "https://idp.example/token",
            ["Auth:ClientId"] = "app",
            ["Auth:RefreshToken"] = "refresh-from-store",
        });

        var refresh = Assert.IsType<OAuth2RefreshTokenAuth>(auth);
        Assert.Equal("refresh-from-store", refresh.RefreshToken);
        Assert.Equal(OAuth2ClientAuthentication.ClientSecretBasic, refresh.ClientAuthentication);
    }

    [Theory]
    [InlineData("Basic", typeof(BasicAuth))]
    [InlineData("Digest", typeof(DigestAuth))]
    public void Bind_UserAndPasswordSchemes(string type, Type expected)
    {
        var auth = Bind(new() { ["Auth:Type"] = type, ["Auth:User"] = "ann", ["Auth:Password"] = "pw" });

        Assert.IsType(expected, auth);
    }

    [Fact]
    public void Bind_Bearer()
    {
        var auth = Bind(new() { ["Auth:Type"] = "Bearer", ["Auth:Token"] = "tkn" });

        Assert.Equal("tkn", Assert.IsType<BearerAuth>(auth).Token);
    }

    [Fact]
    public void Bind_MissingSecret_NamesTheKeyPath()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind(new()
        {
            ["Auth:Type"] = "OAuth2ClientCredentials",
            ["Auth:TokenUrl"] = "https://idp.example/token",
            ["Auth:ClientId"] = "app",
        }));

        Assert.Contains("'Sessions:guard:Auth:ClientSecret' is missing", error.Message);
    }

    [Fact]
    public void Bind_InvalidTokenUrl_NamesTheKeyPath_WithoutTheSecret()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind(new()
        {
            ["Auth:Type"] = "OAuth2ClientCredentials",
            ["Auth:TokenUrl"] = "https://user:url-password@/token",
            ["Auth:ClientId"] = "app",
            ["Auth:ClientSecret"] = "never-shown",
        }));

        var message = error.ToString();
        Assert.Contains("Sessions:guard:Auth:TokenUrl", message);
        Assert.DoesNotContain("never-shown", message);
        Assert.DoesNotContain("url-password", message);
    }

    [Theory]
    [InlineData("Auth:Type", "Kerberos", "Sessions:guard:Auth:Type")]
    [InlineData("Auth:ClientAuthentication", "private_key_jwt", "Sessions:guard:Auth:ClientAuthentication")]
    [InlineData("Auth:ExpirySkew", "-5", "Sessions:guard:Auth:ExpirySkew")]
    public void Bind_InvalidValue_NamesTheKeyPath(string key, string value, string path)
    {
        var values = new Dictionary<string, string?>
        {
            ["Auth:Type"] = "OAuth2ClientCredentials",
            ["Auth:TokenUrl"] = "https://idp.example/token",
            ["Auth:ClientId"] = "app",
            ["Auth:ClientSecret"] = "never-shown",
        };
        values[key] = value;

        var error = Assert.Throws<InvalidOperationException>(() => Bind(values));

        Assert.Contains(path, error.Message);
        Assert.DoesNotContain("never-shown", error.ToString());
    }

    private static Auth? Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.ToDictionary(p => "Sessions:guard:" + p.Key, p => p.Value))
            .Build();
        using var provider = ServiceProviders.Build(s => s.AddSession("guard", configuration.GetSection("Sessions:guard")));
        return provider.GetRequiredService<IOptionsMonitor<SessionSettings>>().Get("guard").Auth;
    }
}
