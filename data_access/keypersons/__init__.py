"""Key persons (精密智控): upstream batches matched to the register, placed in communities, dispatched to the
communities' queues, followed up to release; their colours through the import path; oversight and chains."""
