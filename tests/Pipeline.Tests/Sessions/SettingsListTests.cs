using System.Reflection;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>
/// A setting lives in several places: <see cref="Session"/>, <see cref="SessionSettings"/>, <c>Session.Apply</c>, the
/// configuration binder, the <see cref="RequestContext"/> built by <c>Session.CreateContext</c>, and
/// <see cref="RequestOptions"/> when it has a per-request override. These tests fail when one of them is missing, so a
/// new setting cannot be half-added (docs/architecture.md, "Adding a setting").
/// </summary>
public sealed class SettingsListTests
{
    private static readonly Auth GuardAuth = new BasicAuth("guard", "secret");
    private static readonly ClientCert GuardCert = ClientCert.FromPem("client.pem");
    private static readonly RequestTimeout GuardTimeout = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    private static readonly RetryPolicy GuardRetry = RetryPolicy.FromCount(2);
    private static readonly JsonSerializerOptions GuardJson = new();
    private static readonly HttpCache GuardCache = new();
    private static readonly RateLimiter GuardLimiter = new ConcurrencyLimiter(new() { PermitLimit = 100, QueueLimit = 0 });
    private static readonly PartitionedRateLimiter<HttpRequestMessage> GuardPartitioned =
        PartitionedRateLimiter.Create<HttpRequestMessage, string>(_ => RateLimitPartition.GetNoLimiter("all"));
    private static readonly RateLimitOptions GuardRateLimit = new() { Behavior = RateLimitBehavior.FailFast };

    // What each setting looks like when it is not at its default; every setting of SessionSettings needs a row.
    private static readonly Dictionary<string, (Action<SessionSettings> Set, Func<Session, bool> IsCarried)> Samples = new()
    {
        ["BaseAddress"] = (s => s.BaseAddress = new Uri("http://base.test/"), s => s.BaseAddress == new Uri("http://base.test/")),
        ["Headers"] = (s => s.Headers["X-Guard"] = "1", s => s.Headers["X-Guard"] == "1"),
        ["Params"] = (s => s.Params = new QueryParams { ["guard"] = "1" }, s => s.Params["guard"] == "1"),
        ["Auth"] = (s => s.Auth = GuardAuth, s => ReferenceEquals(s.Auth, GuardAuth)),
        ["Proxies"] = (s => s.Proxies = new ProxyMap { ["http"] = "http://127.0.0.1:9" }, s => s.Proxies["http"] == "http://127.0.0.1:9"),
        ["Hooks"] = (s => s.Hooks.Response.Add(GuardHook), s => s.Hooks.Response.Count == 1),
        ["Verify"] = (s => s.Verify = Verify.Disabled, s => s.Verify == Verify.Disabled),
        ["Cert"] = (s => s.Cert = GuardCert, s => ReferenceEquals(s.Cert, GuardCert)),
        ["MaxRedirects"] = (s => s.MaxRedirects = 7, s => s.MaxRedirects == 7),
        ["MaxResponseContentLength"] = (s => s.MaxResponseContentLength = 1024, s => s.MaxResponseContentLength == 1024),
        ["TrustEnv"] = (s => s.TrustEnv = false, s => !s.TrustEnv),
        ["Stream"] = (s => s.Stream = true, s => s.Stream),
        ["Timeout"] = (s => s.Timeout = GuardTimeout, s => s.Timeout == GuardTimeout),
        ["Retry"] = (s => s.Retry = GuardRetry, s => ReferenceEquals(s.Retry, GuardRetry)),
        ["JsonSerializerOptions"] = (s => s.JsonSerializerOptions = GuardJson, s => ReferenceEquals(s.JsonSerializerOptions, GuardJson)),
        ["Cache"] = (s => s.Cache = GuardCache, s => ReferenceEquals(s.Cache, GuardCache)),
        ["Version"] = (s => s.Version = System.Net.HttpVersion.Version20, s => s.Version == System.Net.HttpVersion.Version20),
        ["VersionPolicy"] = (s => s.VersionPolicy = HttpVersionPolicy.RequestVersionExact, s => s.VersionPolicy == HttpVersionPolicy.RequestVersionExact),
        ["Deadline"] = (s => s.Deadline = TimeSpan.FromSeconds(30), s => s.Deadline == TimeSpan.FromSeconds(30)),
        ["RateLimiter"] = (s => s.RateLimiter = GuardLimiter, s => ReferenceEquals(s.RateLimiter, GuardLimiter)),
        ["PartitionedRateLimiter"] = (s => s.PartitionedRateLimiter = GuardPartitioned, s => ReferenceEquals(s.PartitionedRateLimiter, GuardPartitioned)),
        ["RateLimit"] = (s => s.RateLimit = GuardRateLimit, s => ReferenceEquals(s.RateLimit, GuardRateLimit)),
    };

    // Settings of SessionSettings that are not a property of Session, with the reason.
    private static readonly Dictionary<string, string> NotOnSession = new()
    {
        ["TimeProvider"] = "the clock of the stage chain (retry waits, cookie expiry), given to the stages when they are built",
    };

    // Properties of Session that are state or plumbing rather than defaults a named session can be given.
    private static readonly Dictionary<string, string> SessionStateNotSettings = new()
    {
        ["Cookies"] = "the jar is state; a named session starts each Session with a fresh one",
        ["Adapters"] = "mounted transports, changed with Mount",
    };

    // How each setting reaches the stages: the RequestContext property it becomes, or where it is applied instead.
    private static readonly Dictionary<string, string> InContext = new()
    {
        ["Headers"] = nameof(RequestContext.Headers),
        ["Auth"] = nameof(RequestContext.Auth),
        ["Proxies"] = nameof(RequestContext.Proxies),
        ["Hooks"] = nameof(RequestContext.Hooks),
        ["Verify"] = nameof(RequestContext.Verify),
        ["Cert"] = nameof(RequestContext.Cert),
        ["MaxRedirects"] = nameof(RequestContext.MaxRedirects),
        ["MaxResponseContentLength"] = nameof(RequestContext.MaxResponseContentLength),
        ["TrustEnv"] = nameof(RequestContext.TrustEnv),
        ["Stream"] = nameof(RequestContext.Stream),
        ["Timeout"] = nameof(RequestContext.Timeout),
        ["Retry"] = nameof(RequestContext.Retry),
        ["JsonSerializerOptions"] = nameof(RequestContext.JsonOptions),
        ["Cache"] = nameof(RequestContext.Cache),
        ["Deadline"] = nameof(RequestContext.Deadline),
        ["RateLimiter"] = nameof(RequestContext.RateLimiter),
        ["PartitionedRateLimiter"] = nameof(RequestContext.PartitionedRateLimiter),
        ["RateLimit"] = nameof(RequestContext.RateLimit),
    };

    private static readonly Dictionary<string, string> AppliedAtPreparation = new()
    {
        ["BaseAddress"] = "a relative URL is resolved against it when the request is prepared",
        ["Params"] = "the merged params are appended to the URL when the request is prepared",
        ["Version"] = "set on the request message when it is prepared; every later hop copies it from the message",
        ["VersionPolicy"] = "set on the request message when it is prepared; every later hop copies it from the message",
    };

    // The settings a single request can override (requests' keyword arguments), and those it cannot.
    private static readonly HashSet<string> PerRequest = ["Params", "Headers", "Auth", "Proxies", "Hooks", "Verify", "Cert", "MaxRedirects", "MaxResponseContentLength", "Stream", "Timeout", "Version", "VersionPolicy", "Deadline"];

    private static readonly Dictionary<string, string> SessionOnly = new()
    {
        ["BaseAddress"] = "a request's URL may be absolute instead",
        ["TrustEnv"] = "requests' trust_env is a session attribute",
        ["Retry"] = "requests mounts retries on the adapter, not per request",
        ["JsonSerializerOptions"] = "Response.Json<T>(options) takes options per call",
        ["Cache"] = "a request chooses how it uses the session's cache with RequestOptions.CacheMode and CacheControl",
        ["RateLimiter"] = "a limit is shared by every request of the session (and a fleet), not chosen per request",
        ["PartitionedRateLimiter"] = "it partitions the session's requests itself",
        ["RateLimit"] = "how the session's limits apply, as the limiters themselves",
    };

    // Settings the configuration binder does not bind, with the reason; every other one needs a key below.
    private static readonly Dictionary<string, string> CodeOnly = new()
    {
        ["Hooks"] = "delegates",
        ["TimeProvider"] = "a clock object",
        ["JsonSerializerOptions"] = "an options object",
        ["RateLimiter"] = "a limiter object (AddRateLimiter)",
        ["PartitionedRateLimiter"] = "a limiter object (AddRateLimiter)",
    };

    internal static readonly Dictionary<string, string> ConfigurationSamples = new()
    {
        ["BaseAddress"] = "http://base.test/",
        ["Headers:X-Guard"] = "1",
        ["Params:guard"] = "1",
        ["Proxies:http"] = "http://127.0.0.1:9",
        ["Verify"] = "false",
        ["Cert"] = CertificateFile(),
        ["MaxRedirects"] = "7",
        ["MaxResponseContentLength"] = "1024",
        ["TrustEnv"] = "false",
        ["Stream"] = "true",
        ["Timeout"] = "5",
        ["Retry"] = "2",
        ["Auth:Type"] = "OAuth2ClientCredentials",
        ["Auth:TokenUrl"] = "https://idp.test/token",
        ["Auth:ClientId"] = "guard",
        ["Auth:ClientSecret"] = "guard-secret",
        ["Cache:Enabled"] = "true",
        ["Version"] = "2.0",
        ["VersionPolicy"] = "RequestVersionOrHigher",
        ["Deadline"] = "30",
        ["RateLimit:Behavior"] = "FailFast",
    };

    public static TheoryData<string> Settings => [.. SettingNames()];

    [Fact]
    public void EverySetting_HasASampleValue()
    {
        var missing = SettingNames().Where(name => !NotOnSession.ContainsKey(name) && !Samples.ContainsKey(name)).ToList();

        Assert.True(missing.Count == 0, "Add a sample value for: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void SessionSettings_Setting_IsASessionPropertyOfTheSameType(string name)
    {
        if (NotOnSession.ContainsKey(name))
        {
            return;
        }

        var onSession = typeof(Session).GetProperty(name, BindingFlags.Public | BindingFlags.Instance);

        Assert.NotNull(onSession);
        Assert.Equal(typeof(SessionSettings).GetProperty(name)!.PropertyType, onSession.PropertyType);
    }

    [Fact]
    public void Session_EveryPublicProperty_IsASettingOrListedAsState()
    {
        var settings = SettingNames().ToHashSet();

        var missing = typeof(Session).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.Name)
            .Where(name => !settings.Contains(name) && !SessionStateNotSettings.ContainsKey(name));

        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Apply_Setting_IsCopiedIntoTheSession(string name)
    {
        if (NotOnSession.ContainsKey(name))
        {
            return;
        }

        var (set, isCarried) = Samples[name];
        var settings = new SessionSettings();
        set(settings);

        using var session = new Session(settings);

        Assert.True(isCarried(session), $"Session.Apply does not copy SessionSettings.{name}.");
        using var untouched = new Session();
        Assert.False(isCarried(untouched), $"The sample for {name} is its default value; pick another one.");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Binder_Setting_IsBoundFromConfiguration_OrListedAsCodeOnly(string name)
    {
        if (CodeOnly.ContainsKey(name))
        {
            return;
        }

        var values = ConfigurationSamples.Where(p => p.Key == name || p.Key.StartsWith(name + ":", StringComparison.Ordinal))
            .ToDictionary(p => "Sessions:guard:" + p.Key, p => (string?)p.Value);
        Assert.True(values.Count > 0, $"No configuration sample for {name}: bind it in SessionSettingsBinder and add a sample, or list it as code-only.");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var provider = ServiceProviders.Build(s => s.AddSession("guard", configuration.GetSection("Sessions:guard")));

        var session = provider.GetRequiredService<ISessionFactory>().Create("guard");

        using var defaults = new Session();
        var property = typeof(Session).GetProperty(name)!;
        Assert.NotEqual(Describe(property.GetValue(defaults)), Describe(property.GetValue(session)));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task CreateContext_Setting_ReachesTheStages(string name)
    {
        if (NotOnSession.ContainsKey(name))
        {
            return;
        }

        if (AppliedAtPreparation.ContainsKey(name))
        {
            Assert.False(InContext.ContainsKey(name));
            return;
        }

        Assert.True(InContext.TryGetValue(name, out var contextName), $"Session.{name} reaches no RequestContext property: add one and set it in Session.CreateContext.");
        var settings = new SessionSettings { Proxies = new ProxyMap() };
        Samples[name].Set(settings);
        using var session = new Session(settings);
        var stub = new StubHandler();
        session.Mount("http://", stub);
        using var defaults = new Session();
        defaults.Mount("http://", stub);

        await SendIgnoringFailuresAsync(session);
        await SendIgnoringFailuresAsync(defaults);

        var property = typeof(RequestContext).GetProperty(contextName)!;
        var seen = stub.Requests.Select(r => r.Options.TryGetValue(RequestContext.Key, out var c) ? Describe(property.GetValue(c)) : "no context").ToList();
        Assert.Equal(2, seen.Count);
        Assert.NotEqual(seen[1], seen[0]);
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void RequestOptions_Setting_HasAPerRequestOverride_OrIsListedAsSessionOnly(string name)
    {
        if (NotOnSession.ContainsKey(name))
        {
            return;
        }

        Assert.True(PerRequest.Contains(name) ^ SessionOnly.ContainsKey(name), $"List {name} either as per-request or as session-only.");
        Assert.Equal(PerRequest.Contains(name), typeof(RequestOptions).GetProperty(name) is not null);
    }

    private static IEnumerable<string> SettingNames() =>
        typeof(SessionSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name);

    // Collections are compared by content: the session copies them.
    private static string Describe(object? value) => value switch
    {
        null => "null",
        HeaderMap headers => string.Join(";", headers.Select(h => h.Key + "=" + h.Value)),
        QueryParams query => string.Join(";", query.Select(p => p.Key + "=" + p.Value)),
        ProxyMap proxies => string.Join(";", proxies.Select(p => p.Key + "=" + p.Value)),
        HookMap hooks => "hooks:" + hooks.Response.Count,
        _ when value.GetType().IsValueType || value is string => value.GetType().Name + ":" + value,
        _ => value.GetType().Name + "#" + System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value) + ":" + value,
    };

    // The validator wants the configured certificate file to exist; its content is never read here.
    private static string CertificateFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "pipeline-settings-guard.pem");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, string.Empty);
        }

        return path;
    }

    // Some samples (a client certificate that does not exist, a proxy nobody listens on) make the send fail after the
    // stages saw the context, which is all these tests look at.
    private static async Task SendIgnoringFailuresAsync(Session session)
    {
        try
        {
            using var response = await session.GetAsync("http://settings.test/");
        }
        catch (RequestException)
        {
        }
    }

    private static void GuardHook(Response response)
    {
    }
}
