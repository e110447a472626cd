namespace Pipeline;

/// <summary>How one named session treats configuration keys it does not bind (<c>ValidateConfigurationKeys</c>).</summary>
internal sealed class SessionBindingOptions
{
    public bool ErrorOnUnknownKeys { get; set; }
}
