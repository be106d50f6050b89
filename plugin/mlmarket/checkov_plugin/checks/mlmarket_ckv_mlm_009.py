from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_009(MlmarketCheck):
    rule_id = "CKV_MLM_009"


check = CKV_MLM_009()
