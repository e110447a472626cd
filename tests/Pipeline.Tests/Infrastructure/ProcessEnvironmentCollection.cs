namespace Pipeline.Tests.Infrastructure;

/// <summary>Runs tests that change process environment variables on their own, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
