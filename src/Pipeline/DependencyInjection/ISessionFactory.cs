namespace Pipeline;

/// <summary>Creates sessions registered with <c>services.AddSession(name, ...)</c>.</summary>
public interface ISessionFactory
{
    /// <summary>Creates a session with the named defaults and a fresh cookie jar, over the name's shared pipeline.</summary>
    /// <param name="name">The session name.</param>
    /// <returns>The session.</returns>
    /// <exception cref="InvalidOperationException">No session of that name is registered.</exception>
    Session Create(string name);
}
