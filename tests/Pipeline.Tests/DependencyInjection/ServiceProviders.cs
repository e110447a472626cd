using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Tests.DependencyInjection;

/// <summary>Builds a container the way a host does in development: scopes and registrations validated.</summary>
public static class ServiceProviders
{
    public static ServiceProvider Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        configure(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}
