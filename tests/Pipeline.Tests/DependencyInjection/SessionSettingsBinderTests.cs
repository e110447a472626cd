using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.DependencyInjection;

[Collection(LoopbackCollection.Name)]
public sealed class SessionSettingsBinderTests(LoopbackServerFixture server)
{
    [Fact]
    public async Task AddSession_Configuration_BindsBaseAddressHeadersAndRepeatedParams()
    {
        // Arrange
        var configuration = Configuration(new()
        {
            ["Sessions:api:BaseAddress"] = server.App.BaseUrl,
            ["Sessions:api:Headers:X-Env"] = "staging",
            ["Sessions:api:Headers:Accept"] = "application/json",
            ["Sessions:api:Params:lang"] = "en",
            ["Sessions:api:Params:tag:0"] = "a",
            ["Sessions:api:Params:tag:1"] = "b",
        });
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));
        var session = provider.GetRequiredKeyedService<Session>("api");

        // Act
        using var response = await session.GetAsync("/anything");

        // Assert
        var echo = response.Json();
        Assert.Equal("?lang=en&tag=a&tag=b", echo.GetProperty("query").GetString());
        Assert.Equal("staging", echo.GetProperty("headers").GetProperty("X-Env").GetString());
        Assert.Equal("application/json", echo.GetProperty("headers").GetProperty("Accept").GetString());
        Assert.StartsWith("pipeline/", echo.GetProperty("headers").GetProperty("User-Agent").GetString());
        Assert.Equal(new Uri(server.App.BaseUrl), session.BaseAddress);
    }

    [Fact]
    public void AddSession_Configuration_BindsScalarSettings()
    {
        var session = Bind(new()
        {
            ["Verify"] = "false",
            ["MaxRedirects"] = "5",
            ["TrustEnv"] = "false",
            ["Stream"] = "true",
            ["Timeout"] = "5",
        });

        Assert.Equal(Verify.Disabled, session.Verify);
        Assert.Equal(5, session.MaxRedirects);
        Assert.False(session.TrustEnv);
        Assert.True(session.Stream);
        Assert.Equal(new RequestTimeout(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)), session.Timeout);
    }

    [Fact]
    public void AddSession_ConfigurationRetryCount_IsMaxRetries_AsHttpAdapter()
    {
        var session = Bind(new() { ["Retry"] = "3" });

        Assert.NotNull(session.Retry);
        Assert.Equal(3, session.Retry.Total);
        Assert.Empty(session.Retry.StatusForcelist);
    }

    [Fact]
    public void AddSession_ConfigurationRetrySection_BindsUrllib3RetryArguments()
    {
        var session = Bind(new()
        {
            ["Retry:Total"] = "5",
            ["Retry:Connect"] = "2",
            ["Retry:Read"] = "None",
            ["Retry:Status"] = "4",
            ["Retry:BackoffFactor"] = "0.5",
            ["Retry:BackoffJitter"] = "0.25",
            ["Retry:BackoffMax"] = "00:00:30",
            ["Retry:StatusForcelist:0"] = "502",
            ["Retry:StatusForcelist:1"] = "503",
            ["Retry:AllowedMethods:0"] = "get",
            ["Retry:AllowedMethods:1"] = "POST",
            ["Retry:RespectRetryAfterHeader"] = "false",
            ["Retry:RetryAfterMax"] = "10",
            ["Retry:RaiseOnStatus"] = "false",
        });

        var retry = session.Retry!;
        Assert.Equal(5, retry.Total);
        Assert.Equal(2, retry.Connect);
        Assert.Null(retry.Read);
        Assert.Equal(4, retry.Status);
        Assert.Equal(0.5, retry.BackoffFactor);
        Assert.Equal(TimeSpan.FromSeconds(0.25), retry.BackoffJitter);
        Assert.Equal(TimeSpan.FromSeconds(30), retry.BackoffMax);
        Assert.Equal([502, 503], retry.StatusForcelist.Order());
        Assert.Equal(["GET", "POST"], retry.AllowedMethods!.Order());
        Assert.False(retry.RespectRetryAfterHeader);
        Assert.Equal(TimeSpan.FromSeconds(10), retry.RetryAfterMax);
        Assert.False(retry.RaiseOnStatus);
    }

    [Fact]
    public void AddSession_ConfigurationRetryAllowedMethodsStar_RetriesEveryMethod_AsAllowedMethodsNone()
    {
        var session = Bind(new() { ["Retry:Total"] = "1", ["Retry:AllowedMethods"] = "*" });

        Assert.Null(session.Retry!.AllowedMethods);
        Assert.Equal(RetryPolicy.DefaultAllowedMethods, Bind(new() { ["Retry:Total"] = "1" }).Retry!.AllowedMethods);
    }

    [Fact]
    public void AddSession_ConfigurationWithoutValues_KeepsRequestsDefaults()
    {
        var session = Bind(new() { ["Headers:X-Only"] = "1" });

        Assert.Equal(Verify.Enabled, session.Verify);
        Assert.Equal(30, session.MaxRedirects);
        Assert.True(session.TrustEnv);
        Assert.False(session.Stream);
        Assert.Null(session.Timeout);
        Assert.Null(session.BaseAddress);
        Assert.Equal("*/*", session.Headers["Accept"]);
        Assert.Equal(0, session.Proxies.Count);
    }

    [Fact]
    public void AddSession_ConfigurationVerifyPath_BindsCaBundle()
    {
        var bundle = Path.GetTempFileName();
        try
        {
            var session = Bind(new() { ["Verify"] = bundle });

            Assert.True(session.Verify.IsEnabled);
            Assert.Equal(bundle, session.Verify.CaBundlePath);
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Theory]
    [InlineData("00:00:02", 2)]
    [InlineData("0.5", 0.5)]
    public void AddSession_ConfigurationTimeout_AcceptsSecondsOrTimeSpan(string value, double seconds)
    {
        var session = Bind(new() { ["Timeout"] = value });

        Assert.Equal(new RequestTimeout(TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds)), session.Timeout);
    }

    [Fact]
    public void AddSession_ConfigurationTimeoutSection_BindsConnectAndRead()
    {
        var session = Bind(new() { ["Timeout:Connect"] = "1.5", ["Timeout:Read"] = "00:00:10" });

        Assert.Equal(TimeSpan.FromSeconds(1.5), session.Timeout?.Connect);
        Assert.Equal(TimeSpan.FromSeconds(10), session.Timeout?.Read);
    }

    [Fact]
    public void AddSession_ConfigurationTimeoutReadOnly_LeavesConnectUnlimited()
    {
        var session = Bind(new() { ["Timeout:Read"] = "3" });

        Assert.Null(session.Timeout?.Connect);
        Assert.Equal(TimeSpan.FromSeconds(3), session.Timeout?.Read);
    }

    [Fact]
    public void AddSession_ConfigurationProxies_BindsSchemeAndHostKeys()
    {
        // requests' keys "all://host" and "http://host" contain ':', the configuration path separator.
        var session = Bind(new()
        {
            ["Proxies:https"] = "http://127.0.0.1:3128",
            ["Proxies:all://internal.example"] = "http://127.0.0.1:8888",
            ["Proxies:http://10.20.1.128"] = "http://10.10.1.10:5323",
        });

        Assert.Equal("http://127.0.0.1:3128", session.Proxies["https"]);
        Assert.Equal("http://127.0.0.1:8888", session.Proxies["all://internal.example"]);
        Assert.Equal("http://10.10.1.10:5323", session.Proxies["http://10.20.1.128"]);
        Assert.False(session.Proxies.ContainsKey("all"));
        Assert.False(session.Proxies.ContainsKey("http"));
        Assert.Equal(3, session.Proxies.Count);
    }

    [Theory]
    [InlineData("MaxRedirects", "many")]
    [InlineData("MaxRedirects", "-1")]
    [InlineData("TrustEnv", "yes")]
    [InlineData("Stream", "sometimes")]
    [InlineData("Timeout", "soon")]
    [InlineData("Timeout", "0")]
    [InlineData("Timeout:Read", "-1")]
    [InlineData("Timeout:Connect", "later")]
    [InlineData("BaseAddress", "not a url")]
    [InlineData("BaseAddress", "/v1")]
    [InlineData("BaseAddress", "localhost:5000")]
    [InlineData("Headers:X-Bad", " leading whitespace")]
    [InlineData("Retry", "three")]
    [InlineData("Retry:Total", "-1")]
    [InlineData("Retry:BackoffFactor", "fast")]
    [InlineData("Retry:BackoffMax", "-2")]
    [InlineData("Retry:StatusForcelist:0", "5xx")]
    [InlineData("Retry:RaiseOnStatus", "maybe")]
    [InlineData("Deadline", "soon")]
    [InlineData("Deadline", "0")]
    [InlineData("Deadline", "100.00:00:00")]
    [InlineData("RateLimit:Behavior", "sometimes")]
    [InlineData("RateLimit:Behavior", "1")]
    [InlineData("RateLimit:HoldOnRetryAfter", "perhaps")]
    [InlineData("RateLimit:MaxHold", "-1")]
    public void AddSession_InvalidConfigurationValue_ThrowsNamingKeyPath(string key, string value)
    {
        var configuration = Configuration(new() { ["Sessions:api:" + key] = value });
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<Session>("api"));

        Assert.Contains("'Sessions:api:" + key + "'", error.Message, StringComparison.Ordinal);
        Assert.Contains(value.Trim(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnStart_InvalidConfigurationValue_FailsAtStartupNamingKeyPath()
    {
        var configuration = Configuration(new() { ["Sessions:api:MaxRedirects"] = "-1" });
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("'Sessions:api:MaxRedirects'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSession_InvalidSensitiveHeader_ThrowsWithoutTheSecret()
    {
        var configuration = Configuration(new() { ["Sessions:api:Headers:Authorization"] = " Bearer s3cr3t" });
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<Session>("api"));

        Assert.Contains("'Sessions:api:Headers:Authorization'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddSession_InvalidBaseAddressWithCredentials_ThrowsWithoutThem()
    {
        var configuration = Configuration(new() { ["Sessions:api:BaseAddress"] = "//user:s3cr3t@api.example/v1" });
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<Session>("api"));

        Assert.Contains("'Sessions:api:BaseAddress'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSession_ConfigurationReload_AppliesToSessionsCreatedAfterwards()
    {
        // Arrange
        var configuration = Configuration(new()
        {
            ["Sessions:api:Headers:X-Env"] = "one",
            ["Sessions:api:MaxRedirects"] = "4",
        });
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));
        var before = provider.GetRequiredKeyedService<Session>("api");

        // Act
        configuration["Sessions:api:Headers:X-Env"] = "two";
        configuration["Sessions:api:MaxRedirects"] = "7";
        configuration.Reload();
        var after = provider.GetRequiredKeyedService<Session>("api");

        // Assert
        Assert.Equal("one", before.Headers["X-Env"]);
        Assert.Equal(4, before.MaxRedirects);
        Assert.Equal("two", after.Headers["X-Env"]);
        Assert.Equal(7, after.MaxRedirects);
        Assert.Equal("two", provider.GetRequiredService<ISessionFactory>().Create("api").Headers["X-Env"]);
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static Session Bind(Dictionary<string, string?> values)
    {
        var configuration = Configuration(values.ToDictionary(p => "Sessions:api:" + p.Key, p => p.Value));
        using var provider = ServiceProviders.Build(s => s.AddSession("api", configuration.GetSection("Sessions:api")));
        return provider.GetRequiredService<ISessionFactory>().Create("api");
    }
}
