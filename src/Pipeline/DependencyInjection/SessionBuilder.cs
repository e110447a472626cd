using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline;

internal sealed class SessionBuilder(string name, IServiceCollection services) : ISessionBuilder
{
    public string Name { get; } = name;

    public IServiceCollection Services { get; } = services;

    public ISessionBuilder AddStage<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>()
        where THandler : DelegatingHandler
    {
        Services.AddTransient<THandler>();
        return AddStage(sp => sp.GetRequiredService<THandler>());
    }

    public ISessionBuilder AddStage(Func<IServiceProvider, DelegatingHandler> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Configure<SessionStageOptions>(Name, o => o.UserStages.Add(factory));
        return this;
    }
}
