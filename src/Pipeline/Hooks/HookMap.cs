namespace Pipeline;

/// <summary>Holds requests' event hooks; the only event is <c>response</c>, as in requests.</summary>
public sealed class HookMap
{
    /// <summary>Initializes a new instance of the <see cref="HookMap"/> class with an empty response list.</summary>
    public HookMap()
    {
        Response = new HookList();
    }

    /// <summary>Initializes a new instance of the <see cref="HookMap"/> class holding a copy of another map's hooks.</summary>
    /// <param name="other">The hooks to copy.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    public HookMap(HookMap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Response = new HookList(other.Response);
    }

    /// <summary>Gets the hooks run on every response, each redirect hop included, in order.</summary>
    public HookList Response { get; }
}
