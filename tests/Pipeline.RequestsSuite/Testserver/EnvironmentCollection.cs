namespace Pipeline.RequestsSuite.Testserver;

/// <summary>Tests that change environment variables (proxies, NETRC): they run alone, never beside another test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Environment variables (lowlevel, utils)";
}
