using CommandCenter.Common;

namespace CommandCenter.Web.Features;

/// <summary>
/// A handler's validation messages by field (the same keys the API returns), so a form shows each one at its field
/// and the rest above the form.
/// </summary>
public sealed class FieldErrors
{
    private readonly IReadOnlyDictionary<string, string[]> _errors;

    public FieldErrors(IReadOnlyDictionary<string, string[]> errors) =>
        _errors = new Dictionary<string, string[]>(errors, StringComparer.OrdinalIgnoreCase);

    public static FieldErrors None { get; } = new(new Dictionary<string, string[]>());

    public static FieldErrors From(ValidationFailedException ex) => new(ex.Errors);

    /// <summary>A message that belongs to no field (not found, conflict).</summary>
    public static FieldErrors General(string message) => new(new Dictionary<string, string[]> { [""] = [message] });

    public bool Any => _errors.Count > 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public string? For(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>These errors without the field's (the user changed the field, so its message no longer applies).</summary>
    public FieldErrors Without(string field) =>
        Has(field) ? new FieldErrors(_errors.Where(e => !string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).ToDictionary(e => e.Key, e => e.Value)) : this;

    /// <summary>The messages of fields the form does not show at a field of its own.</summary>
    public IReadOnlyList<string> Except(IReadOnlyCollection<string> shownAtFields) =>
        [.. _errors.Where(e => !shownAtFields.Contains(e.Key, StringComparer.OrdinalIgnoreCase)).SelectMany(e => e.Value)];
}
