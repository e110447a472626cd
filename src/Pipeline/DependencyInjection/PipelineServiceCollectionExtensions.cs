using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers named sessions with IHttpClientFactory.</summary>
/// <remarks>
/// Every overload takes a name or a type parameter, so none is ambiguous with ASP.NET Core's session-state
/// <c>AddSession()</c> and <c>AddSession(Action&lt;SessionOptions&gt;)</c>. The class is not called
/// <c>SessionServiceCollectionExtensions</c>: ASP.NET Core has a class of that full name, and calling either by
/// its class name would not compile (CS0433) in an app that references both.
/// </remarks>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>Registers a named session: its pipeline with IHttpClientFactory, its defaults, a keyed <see cref="Session"/> and <see cref="ISessionFactory"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The session name; also the named HttpClient's name.</param>
    /// <param name="configure">Sets the session's defaults, or <see langword="null"/> for requests' defaults.</param>
    /// <returns>A builder that is also an <see cref="IHttpClientBuilder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static ISessionBuilder AddSession(this IServiceCollection services, string name, Action<SessionSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var builder = AddSessionCore(services, name);
        if (configure is not null)
        {
            services.Configure<SessionSettings>(name, settings => ConfigureNamed(name, configure, settings));
        }

        return builder;
    }

    /// <summary>Registers a named session whose defaults are bound from configuration (for example the section <c>Sessions:github</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The session name.</param>
    /// <param name="configuration">The section holding BaseAddress, Headers, Params, Proxies, Verify, Cert, Timeout, MaxRedirects, TrustEnv and Stream.</param>
    /// <returns>A builder that is also an <see cref="IHttpClientBuilder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <remarks>
    /// Changes to reloadable configuration apply to sessions created afterwards. A key in the section that is not bound
    /// (a misspelling such as <c>Hedaers</c>) is logged as a warning, with its full path and the known keys, when the
    /// settings are first built; <see cref="ValidateConfigurationKeys"/> makes it an error.
    /// </remarks>
    public static ISessionBuilder AddSession(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddSessionCore(services, name);
        services.AddOptions<SessionSettings>(name).Configure<IServiceProvider>((settings, sp) =>
        {
            // Unknown keys first: a misspelled key explains a missing value better than the binder's complaint about it.
            var strict = sp.GetRequiredService<IOptionsMonitor<SessionBindingOptions>>().Get(name).ErrorOnUnknownKeys;
            SessionSettingsKeys.Check(name, configuration, strict, sp.GetService<ILoggerFactory>());
            SessionSettingsBinder.Bind(configuration, settings);
        });

        // A cache enabled in configuration uses the container's IDistributedCache when one is registered.
        services.TryAddSingleton<HttpCacheOwner>();
        services.AddOptions<SessionSettings>(name).PostConfigure<IServiceProvider>((settings, sp) => HttpCacheOwner.UseServiceStore(settings, sp, name));
        services.AddSingleton<IOptionsChangeTokenSource<SessionSettings>>(new ConfigurationChangeTokenSource<SessionSettings>(name, configuration));
        return builder;
    }

    /// <summary>Registers a typed client whose constructor takes a <see cref="Session"/>; the session is named after <typeparamref name="TClient"/>.</summary>
    /// <typeparam name="TClient">The client type, created transient with a new session each time.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the session's defaults, or <see langword="null"/>.</param>
    /// <returns>A builder that is also an <see cref="IHttpClientBuilder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ISessionBuilder AddSession<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(this IServiceCollection services, Action<SessionSettings>? configure = null)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var name = typeof(TClient).Name;
        var builder = services.AddSession(name, configure);
        services.TryAddTransient(sp => ActivatorUtilities.CreateInstance<TClient>(sp, sp.GetRequiredService<ISessionFactory>().Create(name)));
        return builder;
    }

    /// <summary>Retries the named session's requests with <paramref name="policy"/> (requests' <c>HTTPAdapter(max_retries=...)</c>).</summary>
    /// <param name="builder">The session builder.</param>
    /// <param name="policy">The retry policy; an adapter mounted with its own <see cref="HttpAdapter.MaxRetries"/> wins for its prefix.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The RetryStage runs per hop, after your stages and before the proxy stage. A handler added with
    /// <c>AddHttpMessageHandler</c> (as <c>AddStandardResilienceHandler</c> is) runs inside it, once per attempt, so
    /// give only one of them a retry: their attempts multiply. See docs/retries.md.
    /// </remarks>
    public static ISessionBuilder AddRetry(this ISessionBuilder builder, RetryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        builder.Services.Configure<SessionSettings>(builder.Name, settings => settings.Retry = policy);
        return builder;
    }

    /// <summary>Makes a configuration key that the session does not bind an error instead of a logged warning (as <c>BinderOptions.ErrorOnUnknownConfiguration</c>).</summary>
    /// <param name="builder">The session builder, from <c>AddSession(name, configuration)</c>.</param>
    /// <param name="strict">
    /// <see langword="true"/>: building the settings throws <see cref="InvalidOperationException"/> listing every unknown
    /// key with its full path (at host start, since the settings are validated on start); <see langword="false"/>: each
    /// is logged as a warning (event 20, <c>UnknownConfigurationKey</c>), the default.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISessionBuilder ValidateConfigurationKeys(this ISessionBuilder builder, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<SessionBindingOptions>(builder.Name, o => o.ErrorOnUnknownKeys = strict);
        return builder;
    }

    /// <summary>Sets the lifetime of the keyed <see cref="Session"/> injected with <c>[FromKeyedServices(name)]</c>.</summary>
    /// <param name="builder">The session builder.</param>
    /// <param name="lifetime">
    /// <see cref="ServiceLifetime.Transient"/> (the default: a fresh cookie jar per resolution), <see cref="ServiceLifetime.Scoped"/>
    /// (one session per scope, such as one per ASP.NET request) or <see cref="ServiceLifetime.Singleton"/> (one session, and one
    /// cookie jar, for the whole application).
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISessionBuilder SetSessionLifetime(this ISessionBuilder builder, ServiceLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        builder.Services.RemoveAllKeyed<Session>(name);
        builder.Services.Add(new ServiceDescriptor(typeof(Session), name, (sp, _) => sp.GetRequiredService<ISessionFactory>().Create(name), lifetime));
        return builder;
    }

    // A configure delegate that fails (typically a BearerAuth built from a configuration value that is not set) names
    // the session; the inner exception says what was wrong.
    private static void ConfigureNamed(string name, Action<SessionSettings> configure, SessionSettings settings)
    {
        try
        {
            configure(settings);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Session '{name}': setting its defaults failed in the AddSession(\"{name}\", ...) delegate. {ex.Message}", ex);
        }
    }

    private static SessionBuilder AddSessionCore(IServiceCollection services, string name)
    {
        var builder = new SessionBuilder(name, services);
        if (services.Any(d => d.ServiceType == typeof(SessionName) && d.ImplementationInstance is SessionName n && n.Name == name))
        {
            return builder;
        }

        services.AddSingleton(new SessionName(name));
        services.TryAddSingleton<SessionRegistry>();
        services.TryAddSingleton<ISessionFactory, SessionFactory>();
        services.AddOptions<SessionSettings>(name).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionSettings>, SessionSettingsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionSettings>, SessionSettingsCustomValidator>());

        services.AddHttpClient(name)
            .ConfigurePrimaryHttpMessageHandler(sp => new AdapterRouter(sp.GetRequiredService<SessionRegistry>().GetAdapter(name)))
            .ConfigureAdditionalHttpMessageHandlers((handlers, sp) =>
            {
                // The session's stages go first (outermost), whatever else is added to this client later.
                var settings = sp.GetRequiredService<IOptionsMonitor<SessionSettings>>().Get(name);
                var userStages = sp.GetRequiredService<IOptionsMonitor<SessionStageOptions>>().Get(name).UserStages.Select(create => create(sp));
                var stages = StageChain.CreateStages(settings, userStages, sp.GetService<ILoggerFactory>(), name);
                for (var i = 0; i < stages.Count; i++)
                {
                    handlers.Insert(i, stages[i]);
                }
            })
            .ConfigureHttpClient((sp, client) =>
            {
                var settings = sp.GetRequiredService<IOptionsMonitor<SessionSettings>>().Get(name);
                client.BaseAddress = settings.BaseAddress;

                // A plain CreateClient(name) asks for the name's HTTP version too (GetAsync and the other helpers use these).
                client.DefaultRequestVersion = settings.Version;
                client.DefaultVersionPolicy = settings.VersionPolicy;
            });

        services.AddKeyedTransient<Session>(name, (sp, _) => sp.GetRequiredService<ISessionFactory>().Create(name));
        return builder;
    }
}
