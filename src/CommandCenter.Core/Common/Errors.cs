namespace CommandCenter.Common;

/// <summary>Input that breaks a rule; carries field → messages, shown on forms and returned as a validation problem.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("One or more validation errors occurred: " + string.Join("; ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Not found in the caller's tenant (another tenant's row is "not found" too, never "forbidden").</summary>
public sealed class NotFoundException(string what, object id) : Exception($"{what} '{id}' was not found.")
{
    public string What { get; } = what;
}

/// <summary>The request is valid but conflicts with the current state (a duplicate name, a row still in use).</summary>
public sealed class ConflictException(string message) : Exception(message);

/// <summary>Collects validation messages by field and throws once.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    /// <summary>The collected messages, for callers that report them without throwing (e.g. per spreadsheet row).</summary>
    public IEnumerable<(string Field, string Message)> Messages => _errors.SelectMany(e => e.Value.Select(m => (e.Key, m)));

    public Validator Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public Validator Require(string field, string? value, int maxLength, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"{label} is required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"{label} must be at most {maxLength} characters.");
        }

        return this;
    }

    public Validator MaxLength(string field, string? value, int maxLength, string label)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"{label} must be at most {maxLength} characters.");
        }

        return this;
    }

    public Validator Money(string field, decimal? value, string label, bool allowNegative = false)
    {
        if (value is null)
        {
            return this;
        }

        if (!allowNegative && value < 0)
        {
            Add(field, $"{label} cannot be negative.");
        }
        else if (Math.Abs(value.Value) > Common.Money.MaxAmount)
        {
            Add(field, $"{label} must be at most {Common.Money.MaxAmount:N0}.");
        }
        else if (decimal.Round(value.Value, 4) != value.Value)
        {
            Add(field, $"{label} can have at most 4 decimal places.");
        }

        return this;
    }

    /// <summary>A whole number within [min, max] when given: "{label} must be between {min} and {max}{unit}."</summary>
    public Validator Range(string field, int? value, int min, int max, string label, string unit = "")
    {
        if (value is { } v && (v < min || v > max))
        {
            Add(field, $"{label} must be between {min:N0} and {max:N0}{unit}.");
        }

        return this;
    }

    public Validator Quantity(string field, decimal? value, string label)
    {
        if (value is null)
        {
            return this;
        }

        if (value < 0)
        {
            Add(field, $"{label} cannot be negative.");
        }
        else if (value > Common.Money.MaxQuantity)
        {
            Add(field, $"{label} must be at most {Common.Money.MaxQuantity:N0}.");
        }
        else if (decimal.Round(value.Value, 4) != value.Value)
        {
            Add(field, $"{label} can have at most 4 decimal places.");
        }

        return this;
    }

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new ValidationFailedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
