using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Gives a named session rate limits: every attempt of its requests takes a permit.</summary>
public static class RateLimitSessionBuilderExtensions
{
    /// <summary>Limits every session of the name with <paramref name="limiter"/> (see <see cref="Session.RateLimiter"/>).</summary>
    /// <param name="builder">The session builder.</param>
    /// <param name="limiter">The limiter; the caller owns it (dispose it when the application stops).</param>
    /// <param name="configure">Sets how the limits apply, over <c>Sessions:name:RateLimit</c> from configuration, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="limiter"/> is <see langword="null"/>.</exception>
    public static ISessionBuilder AddRateLimiter(this ISessionBuilder builder, RateLimiter limiter, Action<RateLimitOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(limiter);
        return Configure(builder, configure, (settings, _) => settings.RateLimiter = limiter);
    }

    /// <summary>Limits every session of the name with a limiter made once from the container, and disposed with it.</summary>
    /// <param name="builder">The session builder.</param>
    /// <param name="factory">Makes the limiter, once per name (a distributed one can take its connection from the container).</param>
    /// <param name="configure">Sets how the limits apply, over <c>Sessions:name:RateLimit</c> from configuration, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    public static ISessionBuilder AddRateLimiter(this ISessionBuilder builder, Func<IServiceProvider, RateLimiter> factory, Action<RateLimitOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        var name = builder.Name;
        builder.Services.TryAddSingleton<RateLimiterOwner>();
        return Configure(builder, configure, (settings, services) =>
            settings.RateLimiter = services.GetRequiredService<RateLimiterOwner>().GetOrCreate(name, () => factory(services)));
    }

    /// <summary>Limits every session of the name per partition, per host typically (see <see cref="Session.PartitionedRateLimiter"/>).</summary>
    /// <param name="builder">The session builder.</param>
    /// <param name="limiter">The partitioned limiter; the caller owns it.</param>
    /// <param name="configure">Sets how the limits apply, over <c>Sessions:name:RateLimit</c> from configuration, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="limiter"/> is <see langword="null"/>.</exception>
    public static ISessionBuilder AddRateLimiter(this ISessionBuilder builder, PartitionedRateLimiter<HttpRequestMessage> limiter, Action<RateLimitOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(limiter);
        return Configure(builder, configure, (settings, _) => settings.PartitionedRateLimiter = limiter);
    }

    /// <summary>Limits every session of the name per partition with a limiter made once from the container, and disposed with it.</summary>
    /// <param name="builder">The session builder.</param>
    /// <param name="factory">Makes the partitioned limiter, once per name.</param>
    /// <param name="configure">Sets how the limits apply, over <c>Sessions:name:RateLimit</c> from configuration, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    public static ISessionBuilder AddRateLimiter(this ISessionBuilder builder, Func<IServiceProvider, PartitionedRateLimiter<HttpRequestMessage>> factory, Action<RateLimitOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        var name = builder.Name;
        builder.Services.TryAddSingleton<RateLimiterOwner>();
        return Configure(builder, configure, (settings, services) =>
            settings.PartitionedRateLimiter = services.GetRequiredService<RateLimiterOwner>().GetOrCreate(name, () => factory(services)));
    }

    // After the configuration is bound, so code wins over Sessions:name:RateLimit; options set in code are copied, not changed.
    private static ISessionBuilder Configure(ISessionBuilder builder, Action<RateLimitOptions>? configure, Action<SessionSettings, IServiceProvider> setLimiter)
    {
        builder.Services.AddOptions<SessionSettings>(builder.Name).PostConfigure<IServiceProvider>((settings, services) =>
        {
            setLimiter(settings, services);
            if (configure is not null)
            {
                var options = settings.RateLimit?.Clone() ?? new RateLimitOptions();
                configure(options);
                settings.RateLimit = options;
            }
        });
        return builder;
    }
}
