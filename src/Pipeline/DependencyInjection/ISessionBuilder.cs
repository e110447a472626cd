using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline;

/// <summary>
/// Configures a named session; it is also an <see cref="IHttpClientBuilder"/>, so the HttpClient factory's own
/// extensions (<c>AddStandardResilienceHandler</c>, <c>AddHttpMessageHandler</c>, <c>SetHandlerLifetime</c>…) compose with it.
/// </summary>
public interface ISessionBuilder : IHttpClientBuilder
{
    /// <summary>Adds a stage of type <typeparamref name="THandler"/>, resolved from the container for each new handler chain.</summary>
    /// <typeparam name="THandler">The stage; register it as transient (a chain needs its own instance).</typeparam>
    /// <returns>This builder.</returns>
    /// <remarks>User stages run per hop, after the auth stage and before retries and the transport.</remarks>
    ISessionBuilder AddStage<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>()
        where THandler : DelegatingHandler;

    /// <summary>Adds a stage created by <paramref name="factory"/> for each new handler chain.</summary>
    /// <param name="factory">Creates a new stage instance each time it is called.</param>
    /// <returns>This builder.</returns>
    ISessionBuilder AddStage(Func<IServiceProvider, DelegatingHandler> factory);
}
