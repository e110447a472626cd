using System.Diagnostics.Metrics;
using System.Reflection;

namespace Pipeline;

/// <summary>The one <see cref="Meter"/> named <c>Pipeline</c> that every Pipeline instrument is created on.</summary>
internal static class PipelineMeter
{
    public const string Name = "Pipeline";

    public static Meter Meter { get; } = new(Name, typeof(PipelineMeter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
}
