namespace CommandCenter.Simulators.World;

public sealed partial class SimulatorWorld
{
    private ConductorData? _conductor;

    /// <summary>QuickBooks Desktop behind Conductor: the world's clients as customers (built on first use).</summary>
    public ConductorData Conductor
    {
        get
        {
            lock (_gate)
            {
                return _conductor ??= new ConductorData(_companies.Where(c => c.ClientName is not null).Select(c => c.ClientName!), Time);
            }
        }
    }
}
