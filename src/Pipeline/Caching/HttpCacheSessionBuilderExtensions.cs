using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Gives a named session an HTTP cache (RFC 9111).</summary>
public static class HttpCacheSessionBuilderExtensions
{
    /// <summary>
    /// Caches the named session's GET and HEAD responses: in the container's <see cref="IDistributedCache"/> when one is
    /// registered (Redis…, with a shared cache's rules), else in memory (a private cache). Every session of the name shares it.
    /// </summary>
    /// <param name="builder">The session builder.</param>
    /// <param name="configure">Sets the limits, over those bound from configuration (<c>Sessions:name:Cache</c>), or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The cache's metrics are tagged with the session's name unless <see cref="HttpCacheOptions.Name"/> says otherwise.
    /// Mind that <c>AddDistributedMemoryCache()</c> (registered by ASP.NET Core's session state, among others) is an
    /// <see cref="IDistributedCache"/> too: the cache then lives in that store, with shared rules. See docs/caching.md.
    /// </remarks>
    public static ISessionBuilder AddHttpCache(this ISessionBuilder builder, Action<HttpCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        builder.Services.TryAddSingleton<HttpCacheOwner>();
        builder.Services.AddOptions<SessionSettings>(name).PostConfigure<IServiceProvider>((settings, services) =>
        {
            var configured = settings.Cache;
            var options = configured?.Options.Clone() ?? new HttpCacheOptions();
            options.Name ??= name;
            configure?.Invoke(options);
            settings.Cache = HttpCacheOwner.Create(services, options);
            if (configured is { FromConfiguration: true })
            {
                configured.Dispose();
            }
        });
        return builder;
    }
}
