export function Desk(_props: { params: string[] }) { return <div />; }
