import { Controller, Get, Inject } from '@nestjs/common';
import { ControlPlaneLeadership } from '../leadership/control-plane-leadership';

/** GET /healthz: 200 while the process runs; says whether it leads (a standby is healthy too). */
@Controller()
export class HealthzEndpoint {
  constructor(@Inject(ControlPlaneLeadership) private readonly leadership: ControlPlaneLeadership) {}

  @Get('healthz')
  healthz(): { status: 'ok'; id: string; leader: boolean } {
    return { status: 'ok', id: this.leadership.election.id, leader: this.leadership.election.isLeader };
  }
}
