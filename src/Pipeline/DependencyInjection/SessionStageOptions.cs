namespace Pipeline;

/// <summary>The user stages of one named session, in the order they were added.</summary>
internal sealed class SessionStageOptions
{
    public List<Func<IServiceProvider, DelegatingHandler>> UserStages { get; } = [];
}
