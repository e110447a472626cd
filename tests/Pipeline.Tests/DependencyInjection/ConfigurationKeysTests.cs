using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Tests.Infrastructure;
using Pipeline.Tests.Sessions;

namespace Pipeline.Tests.DependencyInjection;

/// <summary>A key in a session's configuration section that is not bound is reported, never silently ignored.</summary>
public sealed class ConfigurationKeysTests
{
    [Fact]
    public void AddSession_MisspelledKey_LogsAWarningWithTheFullPathAndASuggestion()
    {
        // Arrange
        using var sink = new LogSink();
        var configuration = Configuration(new() { ["Sessions:github:Hedaers:Accept"] = "application/json", ["Sessions:github:MaxRedirects"] = "3" });
        using var provider = ServiceProviders.Build(s => s
            .AddSingleton<ILoggerFactory>(sink)
            .AddSession("github", configuration.GetSection("Sessions:github")));

        // Act
        using var session = provider.GetRequiredService<ISessionFactory>().Create("github");

        // Assert
        var warning = Assert.Single(sink.Entries, e => e.EventId.Id == 20);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("Pipeline.SessionSettings", warning.Category);
        Assert.Contains("Session 'github'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("'Sessions:github:Hedaers'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'Headers'?", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Known keys: BaseAddress, Headers, Params", warning.Message, StringComparison.Ordinal);
        Assert.Equal(3, session.MaxRedirects);
    }

    [Fact]
    public void ValidateConfigurationKeys_Strict_UnknownKeys_ThrowNamingEveryPath()
    {
        var configuration = Configuration(new()
        {
            ["Sessions:github:BaseAdress"] = "https://api.github.com/",
            ["Sessions:github:Retry:Totl"] = "3",
            ["Sessions:github:Auth:Tokn"] = "secret",
            ["Sessions:github:Hooks:Response"] = "log",
        });
        using var provider = ServiceProviders.Build(s => s
            .AddSession("github", configuration.GetSection("Sessions:github"))
            .ValidateConfigurationKeys(strict: true));
        var factory = provider.GetRequiredService<ISessionFactory>();

        var error = Assert.Throws<InvalidOperationException>(() => factory.Create("github"));

        Assert.Contains("Session 'github'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Sessions:github:BaseAdress' is not a session setting (did you mean 'BaseAddress'?)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Sessions:github:Retry:Totl' is not a Retry setting (did you mean 'Total'?)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Sessions:github:Auth:Tokn' is not a Auth setting (did you mean 'Token'?)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Sessions:github:Hooks' is not bound from configuration: set Hooks in code", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateConfigurationKeys_NotStrict_LogsInsteadOfThrowing()
    {
        using var sink = new LogSink();
        var configuration = Configuration(new() { ["Sessions:api:Stream:Value"] = "true" });
        using var provider = ServiceProviders.Build(s => s
            .AddSingleton<ILoggerFactory>(sink)
            .AddSession("api", configuration.GetSection("Sessions:api"))
            .ValidateConfigurationKeys(strict: false));

        using var session = provider.GetRequiredService<ISessionFactory>().Create("api");

        var warning = Assert.Single(sink.Entries, e => e.EventId.Id == 20);
        Assert.Contains("'Sessions:api:Stream:Value' is not bound: Stream takes a single value.", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSession_FreeFormSections_AreNotReported()
    {
        var configuration = Configuration(new()
        {
            ["Sessions:api:Headers:X-Anything"] = "1",
            ["Sessions:api:Params:tag:0"] = "a",
            ["Sessions:api:Proxies:all://internal.test"] = "http://127.0.0.1:9",
            ["Sessions:api:Cert:Certificate"] = "client.pfx",
            ["Sessions:api:Cert:Password"] = "pw",
            ["Sessions:api:Timeout:Connect"] = "2",
            ["Sessions:api:Retry:StatusForcelist:0"] = "503",
        });

        Assert.Empty(SessionSettingsKeys.FindUnknown(configuration.GetSection("Sessions:api")));
    }

    // A key the binder learns to bind must be known here too, or every user of it would get a warning.
    [Fact]
    public void FindUnknown_EveryConfigurationSampleOfTheSettingsList_IsKnown()
    {
        var configuration = Configuration(SettingsListTests.ConfigurationSamples.ToDictionary(p => "Sessions:api:" + p.Key, p => (string?)p.Value));

        var unknown = SessionSettingsKeys.FindUnknown(configuration.GetSection("Sessions:api"));

        Assert.True(unknown.Count == 0, "Add these keys to SessionSettingsKeys.Known: " + string.Join(" ", unknown));
    }

    [Fact]
    public void AddSession_BearerAuthFromAMissingConfigurationValue_NamesTheSessionAndWhereSecretsComeFrom()
    {
        var configuration = Configuration([]);
        using var provider = ServiceProviders.Build(s => s.AddSession("github", o => o.Auth = new BearerAuth(configuration["GitHub:Token"]!)));
        var factory = provider.GetRequiredService<ISessionFactory>();

        var error = Assert.Throws<InvalidOperationException>(() => factory.Create("github"));

        Assert.StartsWith("Session 'github': setting its defaults failed in the AddSession(\"github\", ...) delegate. BearerAuth needs a token, and it is null.", error.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet user-secrets set", error.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentNullException>(error.InnerException);
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
